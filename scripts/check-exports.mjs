#!/usr/bin/env node
import { readFileSync } from 'node:fs';
// After `npm run build`: `npm run check:exports`.
//
// For every entry in package.json `exports`, once as `import` and once as `require`, lists the value exports its
// declaration file promises (classes, functions, consts, enums, instantiated namespaces; not types or interfaces),
// read with the TypeScript compiler API, and checks that each one exists at run time in what Node loads for that
// entry. A name declared but missing compiles in a consumer's project and then fails in Node
// ("does not provide an export named ..." or `undefined`). Entries are read from package.json, so new ones are covered.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const require = createRequire(join(root, 'package.json'));

/** Follows package.json export conditions in their order, as Node and TypeScript do; undefined when none applies. */
function resolveTarget(target, conditions) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (condition === 'default' || conditions.includes(condition)) {
      const found = resolveTarget(value, conditions);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const MODES = [
  { name: 'import', code: ['import', 'node'], types: ['types', 'import', 'node'] },
  { name: 'require', code: ['require', 'node'], types: ['types', 'require', 'node'] },
];

/** A declaration that makes an alias type-only: `export type { X }`, `export { type X }`, `import type`. */
function isTypeOnlyDeclaration(node) {
  return (
    (ts.isExportSpecifier(node) && (node.isTypeOnly || node.parent.parent.isTypeOnly)) ||
    (ts.isImportSpecifier(node) && (node.isTypeOnly || node.parent.parent.isTypeOnly)) ||
    (ts.isImportClause(node) && node.isTypeOnly) ||
    (ts.isNamespaceImport(node) && node.parent.isTypeOnly) ||
    (ts.isImportEqualsDeclaration(node) && node.isTypeOnly)
  );
}

/** Whether an exported symbol is something that must exist at run time. */
function isRuntimeValue(checker, symbol) {
  let current = symbol;
  const seen = new Set();
  while (current.flags & ts.SymbolFlags.Alias && !seen.has(current)) {
    seen.add(current);
    if ((current.declarations ?? []).some(isTypeOnlyDeclaration)) return false;
    const next = checker.getImmediateAliasedSymbol(current);
    if (!next) break;
    current = next;
  }
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (target.flags & ts.SymbolFlags.ConstEnum) return false; // erased at compile time
  return (target.flags & ts.SymbolFlags.Value) !== 0;
}

/** The value exports a declaration file declares, sorted, and any compiler errors that make the answer unreliable. */
function declaredValueExports(typesFile) {
  const program = ts.createProgram([typesFile], {
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typesFile);
  if (!source) throw new Error(`TypeScript could not read ${typesFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => isRuntimeValue(checker, symbol))
    .map((symbol) => symbol.getName())
    .sort();
}

const problems = [];
let checked = 0;
for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
  if (subpath === './package.json') continue;
  const specifier = `${pkg.name}${subpath.slice(1)}`;
  for (const mode of MODES) {
    const typesPath = resolveTarget(target, mode.types);
    const codePath = resolveTarget(target, mode.code);
    if (!typesPath || !codePath) {
      problems.push(
        `${specifier} (${mode.name}): exports give ${typesPath ? '' : 'no types'}${!typesPath && !codePath ? ' and ' : ''}${codePath ? '' : 'no code'}`,
      );
      continue;
    }
    const declared = declaredValueExports(resolve(root, typesPath));
    let loaded;
    try {
      loaded = mode.name === 'import' ? await import(specifier) : require(specifier);
    } catch (error) {
      problems.push(`${specifier} (${mode.name}) does not load: ${error.message.split('\n')[0]}`);
      continue;
    }
    const present = new Set(Object.keys(loaded));
    const missing = declared.filter((name) => !present.has(name));
    const undeclared = [...present].filter(
      (name) => name !== 'default' && name !== '__esModule' && !declared.includes(name),
    );
    checked++;
    console.log(
      `${specifier} (${mode.name}: ${typesPath} -> ${codePath}): ${declared.length} value exports declared, ${missing.length} missing at run time`,
    );
    if (missing.length > 0) {
      problems.push(
        `${specifier} (${mode.name}): ${typesPath} declares ${missing.join(', ')}, which ${codePath} does not export`,
      );
    }
    if (undeclared.length > 0)
      console.log(`  note: exported at run time but not declared as values: ${undeclared.join(', ')}`);
  }
}

for (const p of problems) console.error(`check:exports: ${p}`);
if (problems.length === 0)
  console.log(`check:exports: ${checked} entry/mode pairs, every declared value export exists at run time.`);
process.exit(problems.length > 0 ? 1 : 0);
