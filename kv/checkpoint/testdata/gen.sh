#!/bin/sh
# gen.sh records how the fixtures in this directory were made with the
# openssl CLI (OpenSSL 3.0). The tests never run it: the fixtures are
# committed so that the tests check our code against what openssl produced
# once, not against whatever openssl is installed later. Running it again
# makes new keys, which is fine: every fixture is regenerated together.
set -eu
cd "$(dirname "$0")"

# Keys we must accept.
openssl ecparam -name prime256v1 -genkey -noout -out ec.pem
openssl ecparam -name prime256v1 -genkey -out ec-with-params.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec-pkcs8.pem
openssl genpkey -algorithm ed25519 -out ed25519.pem
for k in ec ec-with-params ed25519; do
	openssl pkey -in "$k.pem" -pubout -out "$k.pub.pem"
done

# Keys we must reject.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
openssl rsa -in rsa.pem -traditional -out rsa-traditional.pem
openssl pkey -in rsa.pem -pubout -out rsa.pub.pem
openssl ecparam -name secp384r1 -genkey -noout -out p384.pem
openssl pkey -in p384.pem -pubout -out p384.pub.pem
openssl pkey -in ec.pem -aes256 -passout pass:stela -out ec-encrypted-pkcs8.pem
openssl ec -in ec.pem -aes128 -passout pass:stela -out ec-encrypted-legacy.pem

# The known-answer checkpoint body and signatures made by openssl over it.
root=$(echo 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328 | xxd -r -p | base64)
printf 'example.com/log\n8\n%s\n' "$root" >body.txt
openssl dgst -sha256 -sign ec.pem -out body.ec.sig body.txt
openssl pkeyutl -sign -inkey ed25519.pem -rawin -in body.txt -out body.ed25519.sig

# Key IDs computed without our code, for the key name example.com/log.
ec=$(openssl pkey -pubin -in ec.pub.pem -outform DER | sha256sum | cut -c1-8)
ecp=$(openssl pkey -pubin -in ec-with-params.pub.pem -outform DER | sha256sum | cut -c1-8)
ed=$({ printf 'example.com/log\n\001'; openssl pkey -pubin -in ed25519.pub.pem -outform DER | tail -c 32; } | sha256sum | cut -c1-8)
printf '# key name example.com/log; see gen.sh for how each ID was computed\nec.pub.pem %s\nec-with-params.pub.pem %s\ned25519.pub.pem %s\n' "$ec" "$ecp" "$ed" >keyids.txt
