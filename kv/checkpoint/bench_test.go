package checkpoint

import "testing"

func benchmarkSign(b *testing.B, keyFile string) {
	s := signerFromPEM(b, keyFile)
	cp := katCheckpoint(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Sign(cp, s); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkOpen(b *testing.B, keyFile string) {
	s := signerFromPEM(b, keyFile)
	v := mustVerifier(b, s)
	msg := mustSign(b, katCheckpoint(b), s)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(msg, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignEd25519 measures signing one checkpoint with Ed25519.
func BenchmarkSignEd25519(b *testing.B) { benchmarkSign(b, "ed25519.pem") }

// BenchmarkSignECDSA measures signing one checkpoint with ECDSA P-256.
func BenchmarkSignECDSA(b *testing.B) { benchmarkSign(b, "ec.pem") }

// BenchmarkOpenEd25519 measures verifying and parsing an Ed25519-signed
// checkpoint.
func BenchmarkOpenEd25519(b *testing.B) { benchmarkOpen(b, "ed25519.pem") }

// BenchmarkOpenECDSA measures verifying and parsing an ECDSA-signed
// checkpoint.
func BenchmarkOpenECDSA(b *testing.B) { benchmarkOpen(b, "ec.pem") }
