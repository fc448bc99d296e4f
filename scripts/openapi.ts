/**
 * `npm run openapi`: writes docs/openapi.json from the admin API's zod schemas
 * (test/admin/openapi.test.ts fails while it is stale). The typed client types in
 * docs/examples/ are generated from that file (docs/delivery.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildOpenApi } from '../src/http/admin/openapi';

const file = path.resolve(__dirname, '../docs/openapi.json');
fs.writeFileSync(file, `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
