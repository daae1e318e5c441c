// LoupeServer: Loupe's HTTP API on Hummingbird 2.
//
// Owns: routes under /v1, the mapping of domain errors to HTTP responses, request size limits,
// API keys and their scopes, request logging, and the OpenAPI document. Must not touch: storage,
// indexes or models directly — every route goes through the Catalog façade.
