import { buildTemplate } from './support/template';

export default async function setup() {
  await buildTemplate();
}
