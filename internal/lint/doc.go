// Package lint holds tests that enforce the repository's structure: every
// package documented, imports pointing down the layers (cmd -> pgwire ->
// sql -> catalog -> engine -> kv), client-side packages free of server
// code, and no printing or global logging outside cmd. It has no code.
package lint
