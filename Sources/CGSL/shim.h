/* Shim for the GNU Scientific Library.
 * Swift 6 rejects GSL's global `gsl_rng_*` / `gsl_qrng_*` type pointers as shared mutable state,
 * so each generator type is returned from a static inline function instead. */
#ifndef COMMISSIM_GSL_SHIM_H
#define COMMISSIM_GSL_SHIM_H
/* GSL's own inline definitions of its uniform draws (gsl_rng_uniform, _pos, _int, gsl_rng_get):
 * the same code as the library's exported functions, compiled into the caller, so a draw is one
 * call to the generator instead of two. */
#ifndef HAVE_INLINE
#define HAVE_INLINE 1
#endif
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_multimin.h>

static inline const gsl_multimin_fminimizer_type *commissim_nmsimplex2(void) { return gsl_multimin_fminimizer_nmsimplex2; }

static inline const gsl_rng_type *commissim_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *commissim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *commissim_rng_ranlxd1(void) { return gsl_rng_ranlxd1; }
static inline const gsl_rng_type *commissim_rng_ranlxs0(void) { return gsl_rng_ranlxs0; }
static inline const gsl_rng_type *commissim_rng_gfsr4(void) { return gsl_rng_gfsr4; }

static inline const gsl_qrng_type *commissim_qrng_sobol(void) { return gsl_qrng_sobol; }
static inline const gsl_qrng_type *commissim_qrng_halton(void) { return gsl_qrng_halton; }
static inline const gsl_qrng_type *commissim_qrng_niederreiter_2(void) { return gsl_qrng_niederreiter_2; }

#endif
