package catalog

import "context"

// SetDatabaseOwner is ALTER DATABASE ... OWNER TO: it gives database name
// to user when decide, shown the record as read under the catalog's
// lock, says it changes (false: it has that owner already) and allows
// it (its error otherwise). The caller resolved the user.
func (s *System) SetDatabaseOwner(ctx context.Context, name, user string, decide func(d *Database) (bool, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.Database(name)
	if err != nil {
		return err
	}
	if change, err := decide(d); err != nil || !change {
		return err
	}
	d.Owner = user
	return s.put(ctx, databasePrefix, name, d)
}
