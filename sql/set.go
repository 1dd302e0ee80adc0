package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// setPlan is SET / RESET / SET TRANSACTION / SET SESSION CHARACTERISTICS.
type setPlan struct {
	n *pg_query.VariableSetStmt
}

func (s *Session) planSet(n *pg_query.VariableSetStmt) (plan, error) {
	switch n.Kind {
	case pg_query.VariableSetKind_VAR_SET_CURRENT:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "SET ... FROM CURRENT is not supported")
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		if _, err := setValue(n); err != nil {
			return nil, err
		}
	}
	return &setPlan{n: n}, nil
}

func (p *setPlan) run(s *Session, ec *expr.Context) (Result, error) {
	n := p.n
	tag := "SET"
	if n.IsLocal && !s.inTransactionBlock() && n.Kind != pg_query.VariableSetKind_VAR_SET_MULTI {
		// PostgreSQL warns and sets it all the same: it lasts until
		// the statement's own transaction ends (a pipeline's Sync).
		s.notice("WARNING", pgcode.NoActiveSQLTransaction, "SET LOCAL can only be used in transaction blocks")
	}
	if strings.EqualFold(n.Name, "session_authorization") {
		return s.setIdentity(n)
	}
	var err error
	switch n.Kind {
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		var v string
		if v, err = setValue(n); err == nil {
			err = s.setVar(n.Name, v, n.IsLocal)
		}
	case pg_query.VariableSetKind_VAR_SET_DEFAULT:
		err = s.resetVar(n.Name, n.IsLocal)
	case pg_query.VariableSetKind_VAR_RESET:
		tag = "RESET"
		err = s.resetVar(n.Name, false)
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		tag = "RESET"
		err = s.resetAll()
	case pg_query.VariableSetKind_VAR_SET_MULTI:
		err = s.setMulti(n)
	}
	if err != nil {
		return nil, err
	}
	return &tagResult{tag: tag}, nil
}

// resetAll is RESET ALL: every setting back to its reset value (the
// startup packet's, else the default), custom ones included.
func (s *Session) resetAll() error {
	names := settingNames()
	for k := range s.vars {
		if _, known := settings[k]; !known {
			names = append(names, k)
		}
	}
	for _, name := range names {
		if st, ok := settings[name]; ok && (st.readOnly || st.noResetAll) {
			continue
		}
		if err := s.resetVar(name, false); err != nil {
			return err
		}
	}
	return nil
}

// setValue renders the value list of SET name = v1, v2 as PostgreSQL does
// for a GUC: items joined by ", ".
func setValue(n *pg_query.VariableSetStmt) (string, error) {
	parts := make([]string, 0, len(n.Args))
	for _, a := range n.Args {
		v, err := constText(a)
		if err != nil {
			return "", err
		}
		parts = append(parts, v)
	}
	if strings.EqualFold(n.Name, "timezone") && len(parts) == 1 {
		return parts[0], nil
	}
	return strings.Join(parts, ", "), nil
}

// constText is the text of a constant in a SET or option list.
func constText(n *pg_query.Node) (string, error) {
	switch v := n.Node.(type) {
	case *pg_query.Node_AConst:
		switch c := v.AConst.Val.(type) {
		case *pg_query.A_Const_Sval:
			return c.Sval.Sval, nil
		case *pg_query.A_Const_Ival:
			return strconv.FormatInt(int64(c.Ival.Ival), 10), nil
		case *pg_query.A_Const_Fval:
			return c.Fval.Fval, nil
		case *pg_query.A_Const_Boolval:
			return onOff(c.Boolval.Boolval), nil
		}
	case *pg_query.Node_TypeCast:
		// SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE
		if c := v.TypeCast.Arg.GetAConst(); c != nil {
			if s := c.GetSval(); s != nil {
				return s.Sval, nil
			}
		}
	}
	return "", pgerror.New(pgcode.Syntax, "SET value must be a constant")
}

// setMulti handles SET TRANSACTION ... and SET SESSION CHARACTERISTICS AS
// TRANSACTION ....
func (s *Session) setMulti(n *pg_query.VariableSetStmt) error {
	switch n.Name {
	case "TRANSACTION":
		if !s.inTransactionBlock() {
			s.notice("WARNING", pgcode.NoActiveSQLTransaction, "SET TRANSACTION can only be used in transaction blocks")
			return nil
		}
		return s.applyTxnOptions(n.Args)
	case "SESSION CHARACTERISTICS":
		for _, o := range n.Args {
			d := o.GetDefElem()
			if d == nil {
				continue
			}
			v, err := constText(d.Arg)
			if err != nil {
				return err
			}
			switch d.Defname {
			case "transaction_isolation":
				err = s.setVar("default_transaction_isolation", v, false)
			case "transaction_read_only":
				err = s.setVar("default_transaction_read_only", boolOption(v), false)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "SET %s is not supported", n.Name)
}

// applyTxnOptions sets the isolation and access mode of the current
// transaction from BEGIN/SET TRANSACTION options.
func (s *Session) applyTxnOptions(opts []*pg_query.Node) error {
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		v, err := constText(d.Arg)
		if err != nil {
			return err
		}
		switch d.Defname {
		case "transaction_isolation":
			iso, err := checkIsolation(v)
			if err != nil {
				return invalidValue("transaction_isolation", v)
			}
			s.txn.isoLevel = iso
		case "transaction_read_only":
			ro := boolOption(v) == "on"
			s.txn.ro = &ro
		case "transaction_deferrable":
			// Deferrable only matters to SERIALIZABLE READ ONLY in
			// PostgreSQL; stela's snapshots never wait.
		}
	}
	return nil
}

func boolOption(v string) string {
	if b, err := checkBool(v); err == nil {
		return b
	}
	return v
}

// showPlan is SHOW name / SHOW ALL.
type showPlan struct {
	name string // "" for ALL
}

func (s *Session) planShow(p *Prepared, n *pg_query.VariableShowStmt) error {
	name := n.Name
	switch strings.ToLower(name) {
	case "all":
		p.Columns = []Column{{Name: "name", Type: types.Text}, {Name: "setting", Type: types.Text}, {Name: "description", Type: types.Text}}
		p.plan = &showPlan{}
		return nil
	case "timezone":
		name = "TimeZone"
	case "transaction_isolation":
	case "session_authorization":
	}
	if _, err := s.Setting(name); err != nil {
		return err
	}
	if st, ok := settings[strings.ToLower(name)]; ok {
		name = st.name
	}
	p.Columns = []Column{{Name: name, Type: types.Text}}
	p.plan = &showPlan{name: name}
	return nil
}

func (p *showPlan) run(s *Session, _ *expr.Context) (Result, error) {
	if p.name != "" {
		v, err := s.Setting(p.name)
		if err != nil {
			return nil, err
		}
		return &rowsResult{rows: [][]types.Datum{{v}}, tag: "SHOW"}, nil
	}
	var rows [][]types.Datum
	for _, name := range settingNames() {
		st := settings[name]
		if st.hidden {
			continue
		}
		v, _ := s.Setting(name)
		rows = append(rows, []types.Datum{st.name, v, st.desc})
	}
	return &rowsResult{rows: rows, tag: "SHOW"}, nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
