// Offline embeddings: feature hashing of stemmed words, word bigrams and character n-grams into a
// fixed 256-dimensional, L2-normalized vector. Deterministic, no model download, no network —
// and good enough for retrieval over a tenant's own knowledge (see bench/retrieval).
import { createHash } from 'node:crypto';
import { EMBEDDING_DIMENSIONS, type EmbeddingProvider } from '../types';
import { contentTerms } from '../../text';

function hash32(s: string): number {
  // FNV-1a: fast and well spread for short strings.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function add(vec: Float64Array, feature: string, weight: number): void {
  const h = hash32(feature);
  // The sign bit spreads collisions so they cancel instead of piling up.
  vec[h % EMBEDDING_DIMENSIONS] += (h & 0x80000000 ? -1 : 1) * weight;
}

export function embedLocal(text: string): number[] {
  const vec = new Float64Array(EMBEDDING_DIMENSIONS);
  const terms = contentTerms(text);
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [t, n] of counts) {
    const tf = 1 + Math.log(n);
    add(vec, `w:${t}`, 1.0 * tf);
    // Character n-grams make near-spellings and other inflections land close.
    const padded = `<${t}>`;
    for (const size of [3, 4]) {
      for (let i = 0; i + size <= padded.length; i++) add(vec, `c${size}:${padded.slice(i, i + size)}`, 0.35 * tf);
    }
  }
  for (let i = 0; i + 1 < terms.length; i++) add(vec, `b:${terms[i]}_${terms[i + 1]}`, 0.6);
  // Text made only of stopwords still needs a direction: cosine with a zero vector is undefined.
  if (counts.size === 0) add(vec, 'empty', 1);
  let norm = 0;
  for (const v of vec) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Array.from(vec, (v) => v / norm);
}

export const LOCAL_EMBEDDING_MODEL = 'local-hash-v1';

export function createLocalEmbeddings(): EmbeddingProvider {
  return { model: LOCAL_EMBEDDING_MODEL, embed: async (texts) => texts.map(embedLocal) };
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text.trim().replace(/\s+/g, ' ').toLowerCase()).digest('hex');
}
