// A JSON-only socket.io parser (protocol 5), swapped in for `socket.io-parser` in the widget
// bundle only (scripts/build.ts). The widget never sends or receives binary, so the stock
// parser's binary deconstruction/reconstruction (~5 KB minified) would be dead weight in a
// 25 KB budget. Wire format: <type>[<nsp>,][<ack id>][JSON data], e.g. `2/widget,12["typing",{…}]`.
import { Emitter } from '@socket.io/component-emitter';

export const protocol = 5;
export const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 } as const;

interface Packet { type: number; nsp: string; id?: number; data?: unknown }

export class Encoder {
  encode(p: Packet): string[] {
    return [`${p.type}${p.nsp && p.nsp !== '/' ? `${p.nsp},` : ''}${p.id ?? ''}${p.data === undefined ? '' : JSON.stringify(p.data)}`];
  }
}

const PACKET = /^([0-4])(?:(\/[^,]*),)?(\d*)([[{][\s\S]*)?$/;

export class Decoder extends Emitter<Record<string, never>, Record<string, never>, { decoded: (p: Packet) => void }> {
  /** Throws on anything it cannot read; the manager then closes with "parse error" and reconnects. */
  add(raw: unknown): void {
    const m = typeof raw === 'string' ? PACKET.exec(raw) : null;
    if (!m) throw new Error('unsupported socket.io packet');
    const packet: Packet = { type: +m[1], nsp: m[2] ?? '/' };
    if (m[3]) packet.id = +m[3];
    if (m[4]) packet.data = JSON.parse(m[4]);
    this.emitReserved('decoded', packet);
  }

  destroy(): void {}
}
