// The widget's strings in English and Spanish; the locale comes from window.Misy, the channel,
// the page's <html lang> or the browser, in that order.
const en = {
  open: 'Open chat', close: 'Close chat', title: 'Chat with us', placeholder: 'Write a message…', send: 'Send',
  you: 'You', bot: 'Assistant', team: 'Team', sending: 'Sending…', sent: 'Sent', failed: 'Not sent', offline: 'Offline — messages will be sent when you reconnect',
  typing: 'is typing…', older: 'Load earlier messages', unread: (n: number) => `${n} unread message${n === 1 ? '' : 's'}`,
  consentText: 'Our AI assistant can answer your questions right away. May it process your messages?',
  accept: 'Accept', decline: 'No, thanks', declined: 'Understood — a person from our team will reply here.',
  online: 'Online', connecting: 'Connecting…',
};
export type Strings = typeof en;
const es: Strings = {
  open: 'Abrir chat', close: 'Cerrar chat', title: 'Escríbenos', placeholder: 'Escribe un mensaje…', send: 'Enviar',
  you: 'Tú', bot: 'Asistente', team: 'Equipo', sending: 'Enviando…', sent: 'Enviado', failed: 'No enviado', offline: 'Sin conexión — los mensajes se enviarán al reconectar',
  typing: 'está escribiendo…', older: 'Ver mensajes anteriores', unread: (n: number) => `${n} mensaje${n === 1 ? '' : 's'} sin leer`,
  consentText: 'Nuestro asistente de IA puede responder tus preguntas al instante. ¿Nos permites procesar tus mensajes?',
  accept: 'Aceptar', decline: 'No, gracias', declined: 'Entendido: una persona de nuestro equipo te responderá aquí.',
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

export const STRINGS = { en, es };
