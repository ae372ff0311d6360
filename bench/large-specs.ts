/**
 * Specs of many declarations, for the checker's cost in spec size (issue 9
 * item 7): bench/compile.ts times them, test/compiler/large-specs.test.ts checks
 * what they report. Each is a dataset and N declarations of one kind.
 */
const DATA = `mlspec 1

dataset customers {
  source = csv("customers.csv")
  label  = churned
  contract {
    tenure  : int range 0..120
    churned : bool
  }
}
`;

export const largeSpecs: Record<string, { what: string; text: (n: number) => string }> = {
  unknownColumns: {
    what: "features, each on an unknown column",
    text: (n) => DATA + "\nfeatures f from customers {\n" + Array.from({ length: n }, (_, i) => `  x${i} = standardize(unknown_${i})`).join("\n") + "\n}\n",
  },
  duplicates: {
    what: "blocks of one name",
    text: (n) => DATA + Array.from({ length: n }, () => "\nfeatures f from customers {\n  t = standardize(tenure)\n}").join("\n") + "\n",
  },
  chain: {
    what: "features, each built on the one before",
    text: (n) => DATA + "\nfeatures f from customers {\n  x0 = standardize(tenure)\n" + Array.from({ length: n - 1 }, (_, i) => `  x${i + 1} = clip(x${i}, 0, 1)`).join("\n") + "\n}\n",
  },
  blocks: {
    what: "features blocks",
    text: (n) => DATA + Array.from({ length: n }, (_, i) => `\nfeatures f${i} from customers {\n  t = standardize(tenure)\n}`).join("\n") + "\n",
  },
};
