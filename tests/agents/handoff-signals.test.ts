// An explicit request for a human is a phrase asking for one, or the bare word; ordinary questions
// that merely contain "person", "someone", "agent" or "talk to" are answered, not handed off.
import { describe, expect, it } from 'vitest';
import { asksForHuman, soundsUpset } from '../../agents/handoff-signals';
import { respondLocally } from '../../agents/providers/local/responder';

const REQUESTS = [
  'can I speak to a person?', 'I want to talk to a human', 'talk to someone please', 'Can I speak with a representative?', 'real person please',
  'human please', 'Connect me with an agent', 'I need a human', 'human', 'Agent', 'asesor', 'Persona!', 'quiero hablar con un asesor',
  '¿me comunicas con una persona?', 'quiero un asesor', 'necesito hablar con un humano', '¿Me pasas con un agente?', 'persona real por favor',
  'hablar con alguien', 'Quisiera hablar con una persona real',
];
const NOT_REQUESTS = [
  'Does the courier person call before delivery?', 'Can someone deliver on Saturday?', 'Can I talk to you about a shipping question?',
  'Is the delivery agent allowed to leave it with the doorman?', '¿El mensajero habla con el portero?', 'Do you have a customer service phone number?',
  '¿Puedo hablar de una devolución?', 'What do people usually order?', 'Which courier agent handles Mexico?',
];

describe('explicit requests for a human', () => {
  it.each(REQUESTS)('hands off on %s', (q) => {
    expect(asksForHuman(q)).toBe(true);
    const r = respondLocally({ question: q, passages: [] });
    expect(r.kind === 'handoff' && r.reason).toBe('explicit_request');
  });

  it.each(NOT_REQUESTS)('does not treat %s as a request', (q) => {
    expect(asksForHuman(q)).toBe(false);
    const r = respondLocally({ question: q, passages: [{ title: 'Shipping', content: 'Shipping: Couriers deliver Monday to Saturday and call before delivery when you leave a phone number.', similarity: 0.9 }] });
    expect(r.kind === 'handoff' ? r.reason : r.kind).not.toBe('explicit_request');
  });

  it('detects negative sentiment in either language', () => {
    expect(soundsUpset('This is the worst service ever')).toBe(true);
    expect(soundsUpset('Esto es una estafa')).toBe(true);
    expect(soundsUpset('How long does shipping take?')).toBe(false);
  });
});
