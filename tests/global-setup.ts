import { buildTemplate } from './support/template';
import { buildAssets } from '../scripts/build';

export default async function setup() {
  // Browser bundles once, before any hub starts (hubs only rebuild when sources are newer).
  await buildAssets({ quiet: true });
  await buildTemplate();
}
