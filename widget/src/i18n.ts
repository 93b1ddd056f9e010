// The widget's strings in English and Spanish; the locale comes from window.Misy, the channel,
// the page's <html lang> or the browser, in that order.
import type { ConsentPurpose } from '@misy/sdk';

const en = {
  lang: 'en', open: 'Open chat', close: 'Close chat', title: 'Chat with us', placeholder: 'Write a message…', send: 'Send',
  welcome: 'Hi! How can we help you today?',
  you: 'You', bot: 'Assistant', team: 'Team', ai: 'AI', auto: '(automated reply)',
  sending: 'Sending…', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not sent — tap to retry', offline: 'Offline — messages will be sent when you reconnect',
  typing: 'is typing…', older: 'Load earlier messages', unread: (n: number) => `${n} unread message${n === 1 ? '' : 's'}`,
  consentAsk: 'Before we chat, may we', consentAnd: 'and',
  purposes: { processing: 'store and process your messages to reply', ai: 'let our AI assistant answer your questions right away', learning: 'use anonymized conversations to improve our answers', marketing: 'send you news and offers' } as Record<ConsentPurpose, string>,
  accept: 'Accept', decline: 'No, thanks', declined: 'Understood — a person from our team will reply here.', privacy: 'Privacy choices',
  online: 'Online', connecting: 'Connecting…',
};
export type Strings = typeof en;
const es: Strings = {
  lang: 'es', open: 'Abrir chat', close: 'Cerrar chat', title: 'Escríbenos', placeholder: 'Escribe un mensaje…', send: 'Enviar',
  welcome: '¡Hola! ¿En qué podemos ayudarte?',
  you: 'Tú', bot: 'Asistente', team: 'Equipo', ai: 'IA', auto: '(respuesta automática)',
  sending: 'Enviando…', sent: 'Enviado', delivered: 'Entregado', read: 'Leído', failed: 'No enviado — toca para reintentar', offline: 'Sin conexión — los mensajes se enviarán al reconectar',
  typing: 'está escribiendo…', older: 'Ver mensajes anteriores', unread: (n: number) => `${n} mensaje${n === 1 ? '' : 's'} sin leer`,
  consentAsk: 'Antes de conversar, ¿nos permites', consentAnd: 'y',
  purposes: { processing: 'guardar y procesar tus mensajes para responderte', ai: 'que nuestro asistente de IA responda tus preguntas al instante', learning: 'usar conversaciones anonimizadas para mejorar nuestras respuestas', marketing: 'enviarte novedades y ofertas' },
  accept: 'Aceptar', decline: 'No, gracias', declined: 'Entendido: una persona de nuestro equipo te responderá aquí.', privacy: 'Privacidad',
  online: 'En línea', connecting: 'Conectando…',
};

export function pickLocale(...candidates: (string | null | undefined)[]): 'en' | 'es' {
  for (const c of candidates) {
    if (!c) continue;
    const l = c.toLowerCase().slice(0, 2);
    if (l === 'es' || l === 'en') return l;
  }
  return 'en';
}

/** The consent question names exactly the purposes the channel requires (that text is what gets recorded). */
export function consentText(t: Strings, purposes: ConsentPurpose[]): string {
  const parts = purposes.map((p) => t.purposes[p]);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} ${t.consentAnd} ${parts[parts.length - 1]}` : parts[0];
  return `${t.consentAsk} ${list}?`;
}

export const STRINGS = { en, es };
