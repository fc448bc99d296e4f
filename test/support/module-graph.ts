// The runtime import graph of src/, read from the source with the TypeScript parser (no type
// checking, so it is fast): which modules are pure (need no PostgreSQL or Redis to run) and which
// carry no runtime code at all. The unit-tier guard (test/unit/unit-tier-coverage.test.ts) uses it.
//
// An import counts at runtime unless the compiler erases it: `import type`, `export type`, and
// imports whose every named binding is marked `type`. An import of a value that the module only
// uses as a type is counted (conservative: such a module may be called impure, never the reverse).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(__dirname, '../..');

/** Packages (and their subpaths) that open a PostgreSQL or Redis connection or need one. */
export const IMPURE_PACKAGES = ['knex', 'pg', 'ioredis', 'bullmq', '@bull-board/api'];
/** Repository files that are impure by definition: the database handle. */
export const IMPURE_FILES = ['src/store/db.ts'];

export interface ModuleInfo {
  /** Repository-relative path with forward slashes, e.g. `src/scim/result.ts`. */
  file: string;
  /** Relative imports at runtime, resolved to repository-relative paths. */
  localImports: string[];
  /** Package imports at runtime (bare specifiers). */
  packageImports: string[];
  /** False when the module holds only types (nothing is left after the compiler erases them). */
  hasRuntimeCode: boolean;
  /** Every imported name (type-only or not): local name -> source (package specifier or repository path). */
  importedNames: Map<string, { source: string; imported: string }>;
  /** Each interface, type alias or class declared here -> the type names it refers to. */
  typeDeclarations: Map<string, Set<string>>;
  /** Names referred to outside interface and type alias declarations (parameters, fields, code). */
  codeReferences: Set<string>;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export function rel(abs: string): string {
  return path.relative(ROOT, abs).split(path.sep).join('/');
}

/** Resolves a relative specifier the way tsx does: `./x`, `./x.js`, `./x/index`. */
function resolveLocal(fromAbs: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromAbs), spec.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false; // default import of a value
  const bindings = clause.namedBindings;
  if (!bindings) return false;
  if (ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

function isDeclareOnly(node: ts.Statement): boolean {
  return (ts.getCombinedModifierFlags(node as unknown as ts.Declaration) & ts.ModifierFlags.Ambient) !== 0;
}

/** True when `node` is a name being declared or a member name, not a reference to something. */
function isNameNotReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return true;
  if ((ts.isParameter(parent) || ts.isVariableDeclaration(parent) || ts.isBindingElement(parent)) && parent.name === node) return true;
  if ((ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent) || ts.isInterfaceDeclaration(parent) || ts.isTypeAliasDeclaration(parent)) && parent.name === node) return true;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  return false;
}

/** The identifiers referred to inside `node`. */
function referencedNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !isNameNotReference(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** Reads one module: its runtime imports and whether anything of it survives compilation. */
export function readModule(abs: string): ModuleInfo {
  const source = ts.createSourceFile(abs, fs.readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const specs: string[] = [];
  const importedNames = new Map<string, { source: string; imported: string }>();
  const typeDeclarations = new Map<string, Set<string>>();
  const codeReferences = new Set<string>();
  const sourceOf = (spec: string): string => {
    if (!spec.startsWith('.')) return spec;
    const target = resolveLocal(abs, spec);
    return target ? rel(target) : spec;
  };
  let hasRuntimeCode = false;
  for (const stmt of source.statements) {
    if (ts.isImportDeclaration(stmt)) {
      if (!ts.isStringLiteral(stmt.moduleSpecifier)) continue;
      const spec = stmt.moduleSpecifier.text;
      if (!isTypeOnlyImport(stmt)) specs.push(spec);
      const clause = stmt.importClause;
      if (clause?.name) importedNames.set(clause.name.text, { source: sourceOf(spec), imported: 'default' });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) importedNames.set(bindings.name.text, { source: sourceOf(spec), imported: '*' });
      if (bindings && ts.isNamedImports(bindings)) {
        for (const e of bindings.elements) importedNames.set(e.name.text, { source: sourceOf(spec), imported: (e.propertyName ?? e.name).text });
      }
      continue;
    }
    if (ts.isExportDeclaration(stmt)) {
      if (!isTypeOnlyExport(stmt)) {
        hasRuntimeCode = true;
        if (stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) specs.push(stmt.moduleSpecifier.text);
      }
      continue;
    }
    if (ts.isImportEqualsDeclaration(stmt)) {
      if (!stmt.isTypeOnly && ts.isExternalModuleReference(stmt.moduleReference) && ts.isStringLiteral(stmt.moduleReference.expression)) {
        specs.push(stmt.moduleReference.expression.text);
      }
      continue;
    }
    if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) {
      typeDeclarations.set(stmt.name.text, referencedNames(stmt));
      continue;
    }
    if (isDeclareOnly(stmt)) continue;
    hasRuntimeCode = true;
    if (ts.isClassDeclaration(stmt) && stmt.name) typeDeclarations.set(stmt.name.text, referencedNames(stmt));
    for (const name of referencedNames(stmt)) codeReferences.add(name);
  }
  // Dynamic `import('x')` and `require('x')` anywhere in the file load x at runtime too.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) specs.push((node.arguments[0] as ts.StringLiteralLike).text);
    }
    if (ts.isImportTypeNode(node)) return; // `import('x').T` in a type position is erased
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);

  const localImports: string[] = [];
  const packageImports: string[] = [];
  for (const spec of specs) {
    if (spec.startsWith('.')) {
      const target = resolveLocal(abs, spec);
      if (target) localImports.push(rel(target));
    } else {
      packageImports.push(spec);
    }
  }
  return { file: rel(abs), localImports, packageImports, hasRuntimeCode, importedNames, typeDeclarations, codeReferences };
}

/** Every TypeScript module under `dir` (repository-relative, e.g. `src`). */
export function readModules(dir: string): Map<string, ModuleInfo> {
  const modules = new Map<string, ModuleInfo>();
  for (const abs of listTs(path.join(ROOT, dir)).sort()) {
    const info = readModule(abs);
    modules.set(info.file, info);
  }
  return modules;
}

export function isImpurePackage(spec: string): boolean {
  return IMPURE_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
}

function isConnectionSource(source: string): boolean {
  return isImpurePackage(source) || IMPURE_FILES.includes(source);
}

/**
 * The names each module declares that carry a PostgreSQL or Redis handle: every type or class
 * that refers (through any number of modules) to a type from knex, pg, ioredis, bullmq or
 * src/store/db.ts. `interface PortalDeps { db: Db }` is one; so is `class UserStore` built on a Db.
 */
export function connectionTypes(modules: Map<string, ModuleInfo>): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>([...modules.keys()].map((f) => [f, new Set<string>()]));
  const isConnectionName = (info: ModuleInfo, name: string): boolean => {
    if (result.get(info.file)!.has(name)) return true;
    const imp = info.importedNames.get(name);
    if (!imp) return false;
    if (isConnectionSource(imp.source)) return true;
    return imp.imported === '*' ? false : (result.get(imp.source)?.has(imp.imported) ?? false);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const info of modules.values()) {
      for (const [name, refs] of info.typeDeclarations) {
        if (result.get(info.file)!.has(name)) continue;
        if ([...refs].some((r) => isConnectionName(info, r))) {
          result.get(info.file)!.add(name);
          changed = true;
        }
      }
    }
  }
  return result;
}

/**
 * For every impure module, the chain of modules that makes it so, first hop to last. A module is
 * impure when it loads knex, pg, ioredis, bullmq or src/store/db.ts at runtime, when its code
 * takes or holds a handle (a parameter, field or variable typed with a connection type, see
 * connectionTypes), or when it imports an impure module at runtime. Modules absent are pure.
 */
export function impurityChains(modules: Map<string, ModuleInfo>): Map<string, string[]> {
  const conn = connectionTypes(modules);
  const handleIn = (info: ModuleInfo): string | undefined => {
    for (const name of info.codeReferences) {
      if (conn.get(info.file)?.has(name) && info.typeDeclarations.has(name)) {
        // A class of its own that holds a handle: the module runs it.
        return `${info.file}#${name}`;
      }
      const imp = info.importedNames.get(name);
      if (!imp) continue;
      if (isConnectionSource(imp.source) || conn.get(imp.source)?.has(imp.imported)) return `${name} (from ${imp.source})`;
    }
    return undefined;
  };
  const result = new Map<string, string[]>();
  for (const start of modules.keys()) {
    // Breadth first along runtime imports, so the chain reported is a shortest one.
    const parent = new Map<string, string | null>([[start, null]]);
    const queue = [start];
    let found: string[] | undefined;
    while (queue.length && !found) {
      const file = queue.shift()!;
      const trail: string[] = [];
      for (let f: string | null | undefined = file; f; f = parent.get(f)) trail.unshift(f);
      if (IMPURE_FILES.includes(file)) {
        found = trail;
        break;
      }
      const info = modules.get(file) ?? (fs.existsSync(path.join(ROOT, file)) ? readModule(path.join(ROOT, file)) : undefined);
      if (!info) continue;
      const bad = info.packageImports.find(isImpurePackage);
      if (bad) {
        found = [...trail, bad];
        break;
      }
      const handle = handleIn(info);
      if (handle) {
        found = [...trail, `takes a handle: ${handle}`];
        break;
      }
      for (const dep of info.localImports) {
        if (!parent.has(dep)) {
          parent.set(dep, file);
          queue.push(dep);
        }
      }
    }
    if (found) result.set(start, found);
  }
  return result;
}
