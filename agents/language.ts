// Which language to answer in: Spanish or English (the default).
import { fold } from './text';

const ES = new Set(['el', 'la', 'los', 'las', 'que', 'de', 'del', 'y', 'en', 'por', 'para', 'con', 'cuanto', 'cuanta', 'cuantos', 'como', 'donde', 'puedo', 'quiero', 'tienen', 'hay', 'mi', 'es', 'un', 'una', 'hola', 'gracias', 'cuando', 'envio', 'envios', 'pedido', 'devolucion', 'pago', 'horario', 'se', 'son', 'tarda', 'cuesta', 'hablar', 'persona', 'necesito', 'ayuda']);
const EN = new Set(['the', 'a', 'an', 'and', 'of', 'to', 'in', 'for', 'with', 'how', 'what', 'where', 'when', 'can', 'i', 'my', 'is', 'are', 'do', 'does', 'you', 'your', 'much', 'long', 'ship', 'order', 'return', 'hello', 'thanks', 'need', 'help', 'speak', 'person']);

export type Language = 'en' | 'es';

export function detectLanguage(text: string): Language {
  if (/[¿¡ñ]/i.test(text)) return 'es';
  let es = 0;
  let en = 0;
  for (const w of fold(text).match(/[a-z]+/g) ?? []) {
    if (ES.has(w)) es++;
    if (EN.has(w)) en++;
  }
  if (/[áéíóú]/i.test(text)) es += 1;
  return es > en ? 'es' : 'en';
}
