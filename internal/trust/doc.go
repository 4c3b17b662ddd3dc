// Package trust owns sessions, their keys and signatures, and the rules that
// decide who may read and write.
package trust
