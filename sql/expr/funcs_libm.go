package expr

/*
#cgo LDFLAGS: -lm
#include <errno.h>
#include <math.h>

// Each wrapper returns the C library's result and errno, which
// PostgreSQL's float functions test.
typedef struct { double r; int err; } libm_res;

#define LIBM1(name) static libm_res libm_##name(double x) { libm_res o; errno = 0; o.r = name(x); o.err = errno; return o; }
LIBM1(exp)
LIBM1(log)
LIBM1(log10)
LIBM1(sin)
LIBM1(cos)
LIBM1(tan)
LIBM1(asin)
LIBM1(acos)
LIBM1(atan)
LIBM1(cbrt)
LIBM1(sinh)
LIBM1(cosh)
LIBM1(tanh)
LIBM1(asinh)
LIBM1(acosh)
LIBM1(atanh)
static libm_res libm_pow(double x, double y) { libm_res o; errno = 0; o.r = pow(x, y); o.err = errno; return o; }
static libm_res libm_atan2(double y, double x) { libm_res o; errno = 0; o.r = atan2(y, x); o.err = errno; return o; }
static int libm_erange(void) { return ERANGE; }
static int libm_edom(void) { return EDOM; }
*/
import "C"

// PostgreSQL computes float8 functions with the C library's libm; stela
// calls the same functions so that results agree to the last bit (Go's
// math package rounds differently in the last place for many inputs).

var (
	errnoERANGE = int(C.libm_erange())
	errnoEDOM   = int(C.libm_edom())
)

type libmFunc func(float64) (float64, int)

func wrap(r C.libm_res) (float64, int) { return float64(r.r), int(r.err) }

var (
	cExp   libmFunc = func(x float64) (float64, int) { return wrap(C.libm_exp(C.double(x))) }
	cLog   libmFunc = func(x float64) (float64, int) { return wrap(C.libm_log(C.double(x))) }
	cLog10 libmFunc = func(x float64) (float64, int) { return wrap(C.libm_log10(C.double(x))) }
	cSin   libmFunc = func(x float64) (float64, int) { return wrap(C.libm_sin(C.double(x))) }
	cCos   libmFunc = func(x float64) (float64, int) { return wrap(C.libm_cos(C.double(x))) }
	cTan   libmFunc = func(x float64) (float64, int) { return wrap(C.libm_tan(C.double(x))) }
	cAsin  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_asin(C.double(x))) }
	cAcos  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_acos(C.double(x))) }
	cAtan  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_atan(C.double(x))) }
	cCbrt  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_cbrt(C.double(x))) }
	cSinh  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_sinh(C.double(x))) }
	cCosh  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_cosh(C.double(x))) }
	cTanh  libmFunc = func(x float64) (float64, int) { return wrap(C.libm_tanh(C.double(x))) }
	cAsinh libmFunc = func(x float64) (float64, int) { return wrap(C.libm_asinh(C.double(x))) }
	cAcosh libmFunc = func(x float64) (float64, int) { return wrap(C.libm_acosh(C.double(x))) }
	cAtanh libmFunc = func(x float64) (float64, int) { return wrap(C.libm_atanh(C.double(x))) }
)

func cPow(x, y float64) (float64, int) { return wrap(C.libm_pow(C.double(x), C.double(y))) }

func cAtan2(y, x float64) (float64, int) { return wrap(C.libm_atan2(C.double(y), C.double(x))) }
