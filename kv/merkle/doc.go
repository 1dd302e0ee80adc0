// Package merkle implements the Merkle tree of RFC 9162 (Certificate
// Transparency v2, §2.1): leaf and node hashing, tree roots, inclusion and
// consistency proofs, and their verification.
//
// The package is shared by the stela server, which generates proofs from
// stored nodes, and by clients, which verify them. It therefore imports
// nothing but the Go standard library.
//
// # Terms
//
// Leaves are numbered from 0; a leaf's position is its index. A tree's size
// is its number of leaves, and its root is the tree head hash, MTH(D[size])
// in the RFC. Sizes above [MaxSize] (2^63) are rejected everywhere.
//
// # Storage model
//
// Storage keeps only the hashes of perfect subtrees. Node (level, index) is
// the root of the perfect subtree of height level covering the leaves
// [index<<level, (index+1)<<level); level 0 nodes are leaf hashes. Such a
// node never changes once its last leaf is appended, so it can be written
// once and read forever. Every other hash a proof needs lies on the right
// edge of some subtree and is folded from at most 63 stored nodes by
// [RangeRoot]. A [NodeReader] serves stored nodes; [Frontier] produces them
// while appending; [Tree] holds all of them in memory.
//
// # Proofs
//
// [InclusionProof] and [ConsistencyProof] return hashes in exactly the order
// RFC 9162 defines (PATH and PROOF: from the leaf, or the old tree, up to the
// root), which is also the order used by golang.org/x/mod/sumdb/tlog and
// transparency-dev/merkle. [VerifyInclusion] and [VerifyConsistency] run the
// RFC's verification algorithms. They never return a bare bool: every failure
// is either a [*RootMismatchError] (the proof is well-formed but leads to a
// different root) or an error wrapping [ErrInvalidProof] (the proof or its
// parameters are malformed). [EncodeProof] and [DecodeProof] give proofs a
// compact, canonical binary form.
//
// An inclusion proof binds the leaf to the root, not to the size: a few
// (index, size) pairs share the same path shape, so a proof for size n can
// also verify against size n' with the same root. Callers must take the size
// and the root together from a trusted (signed) tree head.
package merkle
