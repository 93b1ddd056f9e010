// General shopping and customer-service vocabulary, English and Spanish, that means the same thing:
// lets the offline provider match "delivery" with "shipping", "money back" with "refund", "precio"
// with "cost". Language knowledge only — no product names, brands or phrasings taken from an
// evaluation question (bench/retrieval/heldout.json checks that this generalizes). Each group is a
// set of stemmed terms; a term outside every group stands for itself.
import { contentTerms } from './text';

const GROUPS = [
  // getting an order to the customer
  'ship shipping shipped shipment deliver delivery delivered dispatch dispatched send sent mail post postage courier carrier envio envios enviar enviamos mandar mandan despacho despachar entrega entregar entregas mensajero transportadora',
  'arrive arrives arrival receive received get llegar llega llegan recibir recibi',
  'order orders purchase bought buy pedido pedidos orden compra compras comprar',
  'package parcel box paquete caja',
  'track tracking trace follow rastrear rastreo seguimiento seguir guia',
  'address direccion domicilio',
  'country countries abroad international internacional exterior pais paises extranjero',
  // money
  'refund refunds reimburse reimbursement reembolso reembolsos reembolsar reintegro dinero plata',
  'return returns returned devolver devolucion devoluciones devuelvo',
  'exchange replace replacement swap cambio cambiar reemplazo reemplazar',
  'cost costs price prices fee fees charge charges rate cuesta cuestan costo costos precio precios valor tarifa cobran cobro',
  'free gratis gratuito',
  'pay paid payment payments checkout pago pagos pagar pague',
  'card cards tarjeta tarjetas',
  'credit credito',
  'debit debito',
  'installments installment instalments instalment cuotas cuota plazos',
  'cash efectivo',
  'transfer transferencia',
  'declined rejected refused failed rechazada rechazado rechazo fallo',
  'currency moneda divisa peso pesos dollar dollars dolar dolares euro euros usd cop eur',
  // problems and guarantees
  'warranty guarantee garantia',
  'broke broken damaged defect defects defective faulty roto rota dañado dañada defecto defectuoso averiado falla',
  'repair fix reparar arreglar reparacion',
  'cancel cancellation cancelar cancelacion',
  'change modify update edit cambiar modificar actualizar corregir',
  // time and contact
  'hours schedule open opening close closed horario horarios abren abierto cierran cerrado atienden atender atencion',
  'long time days take takes tiempo dias tarda tardan demora demoran',
  'today same day hoy mismo dia',
  'week semana',
  'weekday weekdays workday workdays business habil habiles laborable laborables',
  'monday lunes', 'tuesday martes', 'wednesday miercoles', 'thursday jueves', 'friday viernes', 'saturday saturdays sabado sabados', 'sunday sundays domingo domingos',
  'holiday holidays festivo festivos feriado',
  'phone call telephone number telefono llamar numero',
  'email mail correo',
  'contact reach contactar comunicar',
  'store shop showroom tienda local sala',
  // everyday verbs
  'clean wash limpiar lavar',
  'keep store save guardar conservar almacenar',
  'use usar utilizar',
  'open opened abrir abierto abierta',
].map((g) => new Set(g.split(' ').flatMap((w) => contentTerms(w))));

// Multi-word expressions rewritten to the one word their group knows, before terms are split.
const PHRASES: [RegExp, string][] = [
  [/\b(?:money|my money|cash) back\b/gi, 'refund'],
  [/\bdevuelv\w* (?:la plata|el dinero|mi dinero|mi plata)\b/gi, 'reembolso'],
  [/\b(?:send|sending|sent|bring|take|ship) (?:it |them |this |something |something |an? \w+ )?back\b/gi, 'return'],
  [/\b(?:stopped|stop|doesn't|does not|won't|isn't) work(?:ing|s)?\b/gi, 'broken'],
  [/\bno (?:funciona|sirve|prende|enciende)\b/gi, 'dañado'],
  [/\bentre semana\b/gi, 'laborables'],
  [/\bsign(?:ed)? in\b/gi, 'login'],
];

/** Rewrites multi-word expressions ("money back", "entre semana") to a single known term. */
export function normalizePhrases(text: string): string {
  return PHRASES.reduce((t, [re, word]) => t.replace(re, word), text);
}

/** The stemmed term plus everything in its group. */
export function synonymsOf(term: string): Set<string> {
  const out = new Set([term]);
  for (const g of GROUPS) if (g.has(term)) for (const t of g) out.add(t);
  return out;
}
