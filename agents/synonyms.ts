// Customer-service vocabulary that means the same thing, in English and Spanish: lets the offline
// provider match "delivery" with "shipping", "money back" with "refund", "amex" with "American
// Express". Each group is a set of stemmed terms; a term outside every group stands for itself.
import { contentTerms } from './text';

const GROUPS = [
  'ship shipping shipped shipment delivery deliver delivered arrive arrives arrival send envio envios enviar enviamos entrega entregas llega llegar',
  'return returns devolver devolucion devoluciones',
  'refund refunds reembolso reembolsos plata dinero money',
  'warranty guarantee garantia covered cover',
  'pay payment payments pago pagos pagar',
  'card cards tarjeta tarjetas amex visa mastercard american express',
  'installments installment cuotas cuota split',
  'cash efectivo',
  'hours open opening closed horario horarios atienden atender abren abierto',
  'phone call telephone telefono llamar',
  'track tracking rastrear rastreo guia',
  'cost costs price fee cuesta costo precio valor',
  'long days time tiempo dias tarda tardan',
  'broke broken defect defects defective damaged roto rota dano defecto',
  'address direccion',
  'sunday sundays domingo domingos',
  'saturday saturdays sabado sabados',
  'wash clean lavar limpiar',
  'store keep guardar conservar',
].map((g) => new Set(g.split(' ').flatMap((w) => contentTerms(w))));

/** The stemmed term plus everything in its group. */
export function synonymsOf(term: string): Set<string> {
  const out = new Set([term]);
  for (const g of GROUPS) if (g.has(term)) for (const t of g) out.add(t);
  return out;
}
