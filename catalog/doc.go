// Package catalog holds what the server knows about itself: users and
// databases now; schemas, tables, columns, indexes and grants as the SQL
// engine grows. Catalog records live in a kv store like any data, so every
// change to them is a transaction of a verifiable log: who was created or
// changed, and when, is provable and can be read as of any past tx.
//
// # System catalog records (in the system store)
//
//	key                               value
//	0x01 'u' <user name>              JSON User
//	0x01 'd' <db name>                JSON Database
//	0x01 'g' <user> 0x00 <db>         JSON Grant
//	0x01 'r' <role> 0x00 <db>         JSON RoleSetting ("" for all)
//
// JSON is encoded by encoding/json from the structs below, whose field
// order is fixed, so the bytes a proof covers are stable.
package catalog
