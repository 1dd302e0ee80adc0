// Package pgcode lists the PostgreSQL SQLSTATE codes stela answers with
// (PostgreSQL documentation, appendix A, "PostgreSQL Error Codes"). It is a
// leaf: it imports nothing, so every layer above kv may use it.
package pgcode

// Code is a five-character SQLSTATE.
type Code string

// String returns the code itself.
func (c Code) String() string { return string(c) }

// Class returns the two-character class of the code.
func (c Code) Class() string {
	if len(c) < 2 {
		return ""
	}
	return string(c[:2])
}

// Codes, grouped by class as in PostgreSQL's appendix.
const (
	// Class 00, 01: success and warnings.
	SuccessfulCompletion Code = "00000"
	Warning              Code = "01000"
	// Class 02: no data (a key/value read of a missing key).
	NoData Code = "02000"

	// Class 08: connection exception.
	ConnectionException                     Code = "08000"
	ConnectionFailure                       Code = "08006"
	ProtocolViolation                       Code = "08P01"
	SQLClientUnableToEstablishSQLConnection Code = "08001"

	// Class 0A: feature not supported.
	FeatureNotSupported Code = "0A000"

	// Class 21: cardinality violation.
	CardinalityViolation Code = "21000"

	// Class 22: data exception.
	DataException                       Code = "22000"
	StringDataRightTruncation           Code = "22001"
	NumericValueOutOfRange              Code = "22003"
	NullValueNotAllowed                 Code = "22004"
	InvalidDatetimeFormat               Code = "22007"
	DatetimeFieldOverflow               Code = "22008"
	InvalidTimeZoneDisplacement         Code = "22009"
	IntervalFieldOverflow               Code = "22015"
	InvalidParameterValue               Code = "22023"
	InvalidRowCountInLimitClause        Code = "2201W"
	InvalidRowCountInResultOffsetClause Code = "2201X"
	SequenceGeneratorLimitExceeded      Code = "2200H"
	DivisionByZero                      Code = "22012"
	InvalidArgumentForPowerFunction     Code = "2201F"
	InvalidArgumentForLogarithm         Code = "2201E"
	CharacterNotInRepertoire            Code = "22021"
	InvalidEscapeSequence               Code = "22025"
	InvalidRegularExpression            Code = "2201B"
	InvalidBinaryRepresentation         Code = "22P03"
	BadCopyFileFormat                   Code = "22P04"
	InvalidTextRepresentation           Code = "22P02"
	UntranslatableCharacter             Code = "22P05"
	InvalidEscapeCharacter              Code = "22019"
	InvalidUseOfEscapeCharacter         Code = "2200C"
	InvalidPrecedingOrFollowingSize     Code = "22013"
	ArraySubscriptError                 Code = "2202E"
	InvalidJSONText                     Code = "22P02"
	StringDataLengthMismatch            Code = "22026"

	// Class 23: integrity constraint violation.
	IntegrityConstraintViolation Code = "23000"
	NotNullViolation             Code = "23502"
	ForeignKeyViolation          Code = "23503"
	UniqueViolation              Code = "23505"
	CheckViolation               Code = "23514"

	// Class 24, 25: cursor and transaction state.
	InvalidCursorState              Code = "24000"
	InvalidTransactionState         Code = "25000"
	ActiveSQLTransaction            Code = "25001"
	NoActiveSQLTransaction          Code = "25P01"
	InFailedSQLTransaction          Code = "25P02"
	ReadOnlySQLTransaction          Code = "25006"
	IdleInTransactionSessionTimeout Code = "25P03"

	// Class 26: invalid SQL statement name; 34: invalid cursor name.
	InvalidSQLStatementName Code = "26000"
	InvalidCursorName       Code = "34000"

	// Class 28: invalid authorization specification.
	InvalidAuthorizationSpecification Code = "28000"
	InvalidPassword                   Code = "28P01"

	// Class 39: external routine invocation exception (pgcrypto's
	// argument errors).
	ExternalRoutineInvocationException Code = "39000"

	// Class 3B: savepoint exception; 3D: invalid catalog name; 3F: schema.
	InvalidSavepointSpecification Code = "3B001"
	InvalidCatalogName            Code = "3D000"
	InvalidSchemaName             Code = "3F000"

	// Class 40: transaction rollback.
	TransactionRollback        Code = "40000"
	SerializationFailure       Code = "40001"
	StatementCompletionUnknown Code = "40003"
	DeadlockDetected           Code = "40P01"

	// Class 0L: invalid grantor.
	InvalidGrantOperation Code = "0LP01"

	// Class 2B: dependent privilege descriptors still exist.
	DependentObjectsStillExist Code = "2BP01"

	// Class 42: syntax error or access rule violation.
	SyntaxErrorOrAccessRuleViolation   Code = "42000"
	Syntax                             Code = "42601"
	InsufficientPrivilege              Code = "42501"
	GroupingError                      Code = "42803"
	WindowingError                     Code = "42P20"
	InvalidRecursion                   Code = "42P19"
	InvalidForeignKey                  Code = "42830"
	InvalidName                        Code = "42602"
	NameTooLong                        Code = "42622"
	ReservedName                       Code = "42939"
	DatatypeMismatch                   Code = "42804"
	IndeterminateDatatype              Code = "42P18"
	CollationMismatch                  Code = "42P21"
	IndeterminateCollation             Code = "42P22"
	WrongObjectType                    Code = "42809"
	UndefinedColumn                    Code = "42703"
	UndefinedFunction                  Code = "42883"
	UndefinedTable                     Code = "42P01"
	UndefinedParameter                 Code = "42P02"
	UndefinedObject                    Code = "42704"
	DuplicateColumn                    Code = "42701"
	DuplicateCursor                    Code = "42P03"
	DuplicateDatabase                  Code = "42P04"
	DuplicatePreparedStatement         Code = "42P05"
	DuplicateSchema                    Code = "42P06"
	DuplicateTable                     Code = "42P07"
	DuplicateAlias                     Code = "42712"
	DuplicateObject                    Code = "42710"
	DuplicateFunction                  Code = "42723"
	AmbiguousColumn                    Code = "42702"
	AmbiguousFunction                  Code = "42725"
	AmbiguousParameter                 Code = "42P08"
	AmbiguousAlias                     Code = "42P09"
	InvalidColumnReference             Code = "42P10"
	GeneratedAlways                    Code = "428C9"
	InvalidColumnDefinition            Code = "42611"
	InvalidCursorDefinition            Code = "42P11"
	InvalidDatabaseDefinition          Code = "42P12"
	InvalidFunctionDefinition          Code = "42P13"
	InvalidPreparedStatementDefinition Code = "42P14"
	InvalidSchemaDefinition            Code = "42P15"
	InvalidTableDefinition             Code = "42P16"
	InvalidObjectDefinition            Code = "42P17"
	CannotCoerce                       Code = "42846"
	TooManyColumns                     Code = "54011"

	// Class 53: insufficient resources.
	InsufficientResources Code = "53000"
	DiskFull              Code = "53100"
	OutOfMemory           Code = "53200"
	TooManyConnections    Code = "53300"

	// Class 54: program limit exceeded.
	ProgramLimitExceeded Code = "54000"
	StatementTooComplex  Code = "54001"
	TooManyArguments     Code = "54023"

	// Class 55: object not in prerequisite state.
	ObjectNotInPrerequisiteState Code = "55000"
	CantChangeRuntimeParam       Code = "55P02"
	ObjectInUse                  Code = "55006"
	LockNotAvailable             Code = "55P03"

	// Class 57: operator intervention.
	OperatorIntervention Code = "57000"
	QueryCanceled        Code = "57014"
	AdminShutdown        Code = "57P01"
	CrashShutdown        Code = "57P02"
	CannotConnectNow     Code = "57P03"
	DatabaseDropped      Code = "57P04"
	IdleSessionTimeout   Code = "57P05"

	// Class 58: system error (errors external to PostgreSQL itself).
	SystemError   Code = "58000"
	IOError       Code = "58030"
	UndefinedFile Code = "58P01"

	// Class XX: internal error.
	Internal       Code = "XX000"
	DataCorrupted  Code = "XX001"
	IndexCorrupted Code = "XX002"
)

// Codes of the scalar functions (sql/expr/funcs_*.go).
const (
	SubstringError                        Code = "22011"
	InvalidArgumentForWidthBucketFunction Code = "2201G"
	ZeroLengthCharacterString             Code = "2200F"
)
