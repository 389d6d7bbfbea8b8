export { createGitHubDouble } from "./github-double.js";
export type { GitHubDouble, GitHubDoubleOptions, PullRequestFixture } from "./github-double.js";
export type * from "./types.js";
export { loadOpenApiOperations, findOpenApiSpecPath } from "./load-openapi-operations.js";
export type { OperationParameter, OperationRequestSpec } from "./load-openapi-operations.js";
export { OperationMatcher, validateRequest } from "./validate-request.js";
export type { MatchedOperation } from "./validate-request.js";
export { validateJsonSchema } from "./validate-json-schema.js";
export type { JsonSchema } from "./validate-json-schema.js";
