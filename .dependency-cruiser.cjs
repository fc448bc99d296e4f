// The direction of imports in src/, written once. `npm test` (and `npm run deps`) fails on
// any import cycle and on any import that points up this list. Type-only imports count:
// `tsPreCompilationDeps` makes dependency-cruiser read them before the compiler erases them.
//
// Layers, lowest first. A module may import from its own folder and from any folder in a
// LOWER layer. Folders that share a layer are siblings and may not import each other
// (the four HTTP surfaces, for example, share only what sits in http/shared).
const LAYERS = [
  ['config', 'log', 'common'], // process config, logging, tiny pure helpers (ids, tokens, versions)
  ['scim', 'events'], // the SCIM model (pure: parse, validate, patch, filter) and event types
  ['store'], // PostgreSQL: every SQL statement lives in a store module
  ['directory', 'queue', 'portal-access'], // principal cache, BullMQ plumbing, portal links and secrets
  ['ops'], // metrics, rate limiting, HTTPS policy, server lifecycle
  ['provisioning', 'app-model'], // applying SCIM writes; the app's own user model
  ['delivery'], // outbox drain, webhooks, the delivery API behind the admin surface
  ['worker'], // worker processors
  ['http/shared'], // middleware and helpers every HTTP surface uses
  ['http/scim', 'http/portal', 'http/admin', 'http/ops', 'cli'], // the surfaces
  ['main'], // entry points and wiring
];

const folderPattern = (f) => `^src/${f.replace('/', '\\/')}/`;
const rules = [];
LAYERS.forEach((layer, i) => {
  const higher = LAYERS.slice(i + 1).flat();
  for (const folder of layer) {
    const siblings = layer.filter((f) => f !== folder);
    const forbidden = [...higher, ...siblings];
    if (forbidden.length === 0) continue;
    rules.push({
      name: `layer:${folder}`,
      comment: `src/${folder} may import only from its own folder and from lower layers (see .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: folderPattern(folder) },
      to: { path: `^src/(${forbidden.map((f) => f.replace('/', '\\/')).join('|')})/` },
    });
  }
});

const known = LAYERS.flat();
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'Import cycles hide the real direction of a dependency.', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'layer:unlisted-folder',
      severity: 'error',
      comment: 'Every folder under src/ must be placed in LAYERS.',
      from: { path: '^src/', pathNot: `^src/(${known.map((f) => f.replace('/', '\\/')).join('|')})/` },
      to: {},
    },
    ...rules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/http/portal/assets/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
