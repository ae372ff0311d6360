/** Serving: registered models over HTTP, or in process. See load-serving.ts and http-server.ts. */
export { loadServing, type LoadServingOptions, type Serving } from "./load-serving.js";
export { planForServing } from "./serve-plan.js";
export { createServeApp, listenServing, closeServers, type CloseOptions, type ListenOptions, type ListeningServer, type ServeAppOptions } from "./http-server.js";
export { ServeError, RequestError, PredictionUnavailableError, type RequestProblem } from "./errors.js";
export type { PredictResult, ModelDescription, ModelRef } from "./serve-endpoint.js";
export type { RowPrediction, ClassLabel } from "./loaded-model.js";
export type { ServeEvent } from "./model-slot.js";
export type { ExecutorKind } from "./ort-executor.js";
export { rowJsonSchema, RequestValidator, type JsonSchema, type RequestRow } from "./request-schema.js";
