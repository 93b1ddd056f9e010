// Turns a document (text, markdown or HTML) into clean, overlapping chunks that each carry
// their nearest heading, so a passage retrieved alone still says what it is about.

export type DocFormat = 'text' | 'markdown' | 'html';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi, (_m, n, t) => `\n${'#'.repeat(Number(n))} ${t.replace(/<[^>]+>/g, '')}\n`)
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)[^>]*>/gi, '\n')
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e.toLowerCase()] ?? m);
}

export function markdownToText(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, (m) => m.replace(/```\w*/g, ''))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
    .replace(/^\s*[-*+]\s+/gm, '- ')
    .replace(/^\|?(\s*:?-+:?\s*\|)+\s*$/gm, '');
}

export function cleanDocument(content: string, format: DocFormat): string {
  const text = format === 'html' ? htmlToText(content) : format === 'markdown' ? markdownToText(content) : content;
  return text.replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
}

export interface Chunk { index: number; heading: string | null; content: string }

/** Sentences, without breaking on decimal or thousands separators ("25.000 COP", "2.5"). */
export function splitSentences(text: string): string[] {
  // A full stop ends a sentence only before whitespace or the end: "25.000", "p. m." stays whole
  // only when followed by a non-space, and e-mail addresses or URLs ("help@shop.example") never split.
  return text.match(/(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)/g)?.map((s) => s.trim()).filter(Boolean) ?? [text];
}

function sentences(paragraph: string): string[] {
  return splitSentences(paragraph);
}

/** Chunks of at most ~maxChars on sentence boundaries, the last sentences repeated as overlap. */
export function chunkText(text: string, opts: { maxChars?: number; overlapChars?: number } = {}): Chunk[] {
  const max = opts.maxChars ?? 700;
  const overlap = opts.overlapChars ?? 120;
  const chunks: Chunk[] = [];
  let heading: string | null = null;
  let current: string[] = [];
  let size = 0;
  const flush = (keepOverlap: boolean) => {
    if (!current.length) return;
    chunks.push({ index: chunks.length, heading, content: (heading ? `${heading}: ` : '') + current.join(' ') });
    if (!keepOverlap) { current = []; size = 0; return; }
    const kept: string[] = [];
    let keptSize = 0;
    for (let i = current.length - 1; i >= 0 && keptSize + current[i].length <= overlap; i--) {
      kept.unshift(current[i]);
      keptSize += current[i].length;
    }
    current = kept;
    size = keptSize;
  };
  for (const block of text.split(/\n+/)) {
    const h = /^#{1,6}\s+(.*)$/.exec(block.trim());
    if (h) {
      flush(false);
      heading = h[1].trim();
      continue;
    }
    for (const s of sentences(block)) {
      if (size + s.length > max && current.length) flush(true);
      current.push(s);
      size += s.length + 1;
    }
  }
  flush(false);
  return chunks;
}
