/**
 * @module `tsx dev/import-cycles.ts [dir]` (part of `npm run lint`): fails when the relative imports
 * of `src/` (type-only imports included) form a circle, and prints each one. Imports are read with
 * TypeScript's own pre-processor, so comments and strings never count.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(process.argv[2] ?? 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The files of this tree a file imports (relative specifiers only: packages cannot close a circle here). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier))
    .filter((target) => existsSync(target) && target.startsWith(root));
}

const graph = new Map(sourceFiles(root).map((file) => [file, importsOf(file)]));

/** Tarjan's strongly connected components: every component of more than one file (or a file importing itself) is a circle. */
function circles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component);
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

const found = circles();
const relative = (file: string) => path.relative(process.cwd(), file);
for (const component of found) {
  console.error(`import circle of ${component.length} files:`);
  for (const file of component.sort()) {
    const inside = (graph.get(file) ?? []).filter((target) => component.includes(target));
    console.error(`  ${relative(file)} -> ${inside.map(relative).join(', ')}`);
  }
}
console.log(`${graph.size} files under ${relative(root) || '.'}: ${found.length} import circles`);
if (found.length) process.exit(1);
