// A graphql-codegen plugin, used by codegen.ts for src/generated/: each operation of the output's documents as a string
// constant, `XDocument`, holding the operation and the fragments it spreads with insignificant whitespace removed (the
// text plain-client sends as it is), typed `string & DocumentTypeDecoration<XQuery, XQueryVariables>` as
// typed-document-node types its documents. typed-document-node's string mode would add a `TypedDocumentString` class and
// pretty-printed text, which every browser page that replies would load. The tests' own documents keep
// typed-document-node: they stand for a user's (README, "Any Plain operation").
import { concatAST, Kind, print, stripIgnoredCharacters, visit } from 'graphql';

/** The names of the fragments a definition spreads. */
const spreadsIn = (definition) => {
  const names = [];
  visit(definition, { FragmentSpread: (spread) => void names.push(spread.name.value) });
  return names;
};

export const plugin = (_schema, documents) => {
  const definitions = concatAST(documents.flatMap((source) => (source.document ? [source.document] : []))).definitions;
  const fragments = new Map(
    definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const constants = definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const name = operation.name?.value;
      if (!name) throw new Error('codegen-string-documents: every operation needs a name.');
      // The fragments it spreads, and those they spread, each once.
      const used = new Map();
      const pending = spreadsIn(operation);
      while (pending.length > 0) {
        const spread = pending.shift();
        if (used.has(spread)) continue;
        const fragment = fragments.get(spread);
        if (!fragment) throw new Error(`codegen-string-documents: ${name} spreads ${spread}, which is not defined.`);
        used.set(spread, fragment);
        pending.push(...spreadsIn(fragment));
      }
      const text = stripIgnoredCharacters([operation, ...used.values()].map((d) => print(d)).join('\n'));
      // typescript-operations' names: GetThread → GetThreadQuery and GetThreadQueryVariables.
      const type = `${name}${operation.operation[0].toUpperCase()}${operation.operation.slice(1)}`;
      return `export const ${name}Document = ${JSON.stringify(text)} as string & DocumentTypeDecoration<${type}, ${type}Variables>;`;
    });
  return {
    prepend: ["import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';"],
    content: constants.join('\n'),
  };
};
