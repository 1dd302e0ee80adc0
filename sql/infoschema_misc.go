package sql

import (
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// information_schema's character_sets, element_types, and the relations
// of objects stela does not have: domains, triggers, and routines and
// their parameters.

func init() {
	addInfoRel("character_sets", 13250, `character_set_catalog sql_identifier,
		character_set_schema sql_identifier, character_set_name sql_identifier,
		character_repertoire sql_identifier, form_of_use sql_identifier,
		default_collate_catalog sql_identifier, default_collate_schema sql_identifier,
		default_collate_name sql_identifier`, func(c *vctx) ([][]types.Datum, error) {
		// The database's encoding, UTF8; its default collation is the
		// database default (not a named one), so the name is NULL.
		return [][]types.Datum{{nil, nil, "UTF8", "UCS", "UTF8", c.x.sess.db.Name, nil, nil}}, nil
	})
	addInfoRel("element_types", 13493, `object_catalog sql_identifier, object_schema sql_identifier,
		object_name sql_identifier, object_type character_data, collection_type_identifier sql_identifier,
		data_type character_data, character_maximum_length cardinal_number,
		character_octet_length cardinal_number, character_set_catalog sql_identifier,
		character_set_schema sql_identifier, character_set_name sql_identifier,
		collation_catalog sql_identifier, collation_schema sql_identifier, collation_name sql_identifier,
		numeric_precision cardinal_number, numeric_precision_radix cardinal_number,
		numeric_scale cardinal_number, datetime_precision cardinal_number, interval_type character_data,
		interval_precision cardinal_number, domain_default character_data, udt_catalog sql_identifier,
		udt_schema sql_identifier, udt_name sql_identifier, scope_catalog sql_identifier,
		scope_schema sql_identifier, scope_name sql_identifier, maximum_cardinality cardinal_number,
		dtd_identifier sql_identifier`, infoElementTypesRows)
	// The database's domains (infoschema_domains.go). PostgreSQL lists
	// information_schema's own five here too; stela types those columns
	// with the base types (infoschema.go).
	addInfoRel("domains", 13320, `domain_catalog sql_identifier, domain_schema sql_identifier,
		domain_name sql_identifier, data_type character_data, character_maximum_length cardinal_number,
		character_octet_length cardinal_number, character_set_catalog sql_identifier,
		character_set_schema sql_identifier, character_set_name sql_identifier,
		collation_catalog sql_identifier, collation_schema sql_identifier, collation_name sql_identifier,
		numeric_precision cardinal_number, numeric_precision_radix cardinal_number,
		numeric_scale cardinal_number, datetime_precision cardinal_number, interval_type character_data,
		interval_precision cardinal_number, domain_default character_data, udt_catalog sql_identifier,
		udt_schema sql_identifier, udt_name sql_identifier, scope_catalog sql_identifier,
		scope_schema sql_identifier, scope_name sql_identifier, maximum_cardinality cardinal_number,
		dtd_identifier sql_identifier`, infoDomainsRows)
	// stela has no triggers.
	addInfoRel("triggers", 13440, `trigger_catalog sql_identifier, trigger_schema sql_identifier,
		trigger_name sql_identifier, event_manipulation character_data,
		event_object_catalog sql_identifier, event_object_schema sql_identifier,
		event_object_table sql_identifier, action_order cardinal_number, action_condition character_data,
		action_statement character_data, action_orientation character_data, action_timing character_data,
		action_reference_old_table sql_identifier, action_reference_new_table sql_identifier,
		action_reference_old_row sql_identifier, action_reference_new_row sql_identifier,
		created time_stamp`, emptyRows)
	// The functions users created (infoschema_routines.go).
	addInfoRel("routines", 13377, `specific_catalog sql_identifier, specific_schema sql_identifier,
		specific_name sql_identifier, routine_catalog sql_identifier, routine_schema sql_identifier,
		routine_name sql_identifier, routine_type character_data, module_catalog sql_identifier,
		module_schema sql_identifier, module_name sql_identifier, udt_catalog sql_identifier,
		udt_schema sql_identifier, udt_name sql_identifier, data_type character_data,
		character_maximum_length cardinal_number, character_octet_length cardinal_number,
		character_set_catalog sql_identifier, character_set_schema sql_identifier,
		character_set_name sql_identifier, collation_catalog sql_identifier,
		collation_schema sql_identifier, collation_name sql_identifier, numeric_precision cardinal_number,
		numeric_precision_radix cardinal_number, numeric_scale cardinal_number,
		datetime_precision cardinal_number, interval_type character_data,
		interval_precision cardinal_number, type_udt_catalog sql_identifier,
		type_udt_schema sql_identifier, type_udt_name sql_identifier, scope_catalog sql_identifier,
		scope_schema sql_identifier, scope_name sql_identifier, maximum_cardinality cardinal_number,
		dtd_identifier sql_identifier, routine_body character_data, routine_definition character_data,
		external_name character_data, external_language character_data, parameter_style character_data,
		is_deterministic yes_or_no, sql_data_access character_data, is_null_call yes_or_no,
		sql_path character_data, schema_level_routine yes_or_no, max_dynamic_result_sets cardinal_number,
		is_user_defined_cast yes_or_no, is_implicitly_invocable yes_or_no, security_type character_data,
		to_sql_specific_catalog sql_identifier, to_sql_specific_schema sql_identifier,
		to_sql_specific_name sql_identifier, as_locator yes_or_no, created time_stamp,
		last_altered time_stamp, new_savepoint_level yes_or_no, is_udt_dependent yes_or_no,
		result_cast_from_data_type character_data, result_cast_as_locator yes_or_no,
		result_cast_char_max_length cardinal_number, result_cast_char_octet_length cardinal_number,
		result_cast_char_set_catalog sql_identifier, result_cast_char_set_schema sql_identifier,
		result_cast_char_set_name sql_identifier, result_cast_collation_catalog sql_identifier,
		result_cast_collation_schema sql_identifier, result_cast_collation_name sql_identifier,
		result_cast_numeric_precision cardinal_number, result_cast_numeric_precision_radix cardinal_number,
		result_cast_numeric_scale cardinal_number, result_cast_datetime_precision cardinal_number,
		result_cast_interval_type character_data, result_cast_interval_precision cardinal_number,
		result_cast_type_udt_catalog sql_identifier, result_cast_type_udt_schema sql_identifier,
		result_cast_type_udt_name sql_identifier, result_cast_scope_catalog sql_identifier,
		result_cast_scope_schema sql_identifier, result_cast_scope_name sql_identifier,
		result_cast_maximum_cardinality cardinal_number, result_cast_dtd_identifier sql_identifier`, infoRoutinesRows)
	addInfoRel("parameters", 13334, `specific_catalog sql_identifier, specific_schema sql_identifier,
		specific_name sql_identifier, ordinal_position cardinal_number, parameter_mode character_data,
		is_result yes_or_no, as_locator yes_or_no, parameter_name sql_identifier, data_type character_data,
		character_maximum_length cardinal_number, character_octet_length cardinal_number,
		character_set_catalog sql_identifier, character_set_schema sql_identifier,
		character_set_name sql_identifier, collation_catalog sql_identifier,
		collation_schema sql_identifier, collation_name sql_identifier, numeric_precision cardinal_number,
		numeric_precision_radix cardinal_number, numeric_scale cardinal_number,
		datetime_precision cardinal_number, interval_type character_data,
		interval_precision cardinal_number, udt_catalog sql_identifier, udt_schema sql_identifier,
		udt_name sql_identifier, scope_catalog sql_identifier, scope_schema sql_identifier,
		scope_name sql_identifier, maximum_cardinality cardinal_number, dtd_identifier sql_identifier,
		parameter_default character_data`, emptyRows)
}

// elementType returns the element type of an array type (int2vector
// and oidvector included), or nil.
func elementType(t *types.T) *types.T {
	r := typeRow(t.Oid)
	if r == nil || r.typelem == 0 || r.typlen != -1 {
		return nil
	}
	e, ok := types.ByOid(r.typelem)
	if !ok {
		return nil
	}
	return e
}

func infoElementTypesRows(c *vctx) ([][]types.Datum, error) {
	n, descs, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, r := range infoRelations(descs, n.schemas) {
		var colTypes []*types.T
		switch {
		case r.vt != nil:
			for _, col := range r.vt.cols {
				colTypes = append(colTypes, col.typ)
			}
		case r.desc.Kind == catalog.KindTable:
			for _, col := range r.desc.Table.Columns {
				if col.Hidden || col.Dropped {
					colTypes = append(colTypes, nil)
				} else {
					colTypes = append(colTypes, col.Type())
				}
			}
		default:
			for _, vc := range r.desc.View.Columns {
				t := vc.Type()
				colTypes = append(colTypes, t)
			}
		}
		for i, t := range colTypes {
			if t == nil {
				continue
			}
			e := elementType(t)
			if e == nil {
				continue
			}
			f := describeType(e, n.db)
			id := strconv.Itoa(i + 1)
			out = append(out, []types.Datum{n.db, r.schema, r.name, "TABLE", id, formatType(e, false),
				nil, nil, nil, nil, nil, f.collationCatalog, f.collationSchema, f.collationName,
				nil, nil, nil, nil, nil, nil, nil, n.db, "pg_catalog", pgTypeName(e), nil, nil, nil, nil, "a" + id})
		}
	}
	return out, nil
}
