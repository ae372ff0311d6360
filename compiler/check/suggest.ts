/**
 * Kept only for compiler/language/build-ast.ts, which the grammar rewrite is
 * replacing: did-you-mean lives in text/did-you-mean.ts. Remove with that import.
 */
export { didYouMean, editDistance, MAX_LISTED, suggest } from "../../text/did-you-mean.js";
