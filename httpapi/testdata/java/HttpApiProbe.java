// HttpApiProbe is a stela HTTP API client that uses nothing but the JDK
// (java.net.HttpURLConnection, java.security.MessageDigest), as a program
// on a host without a PostgreSQL driver would: it logs in, writes a key,
// reads it back, lists its history, and verifies the key's row proof
// against the database's state on its own (docs/PROOFS.md):
//
//   - the entry leaf hash is recomputed from the proven key and value and
//     its RFC 9162 inclusion path is checked against the transaction's
//     entries root;
//   - the transaction header's leaf hash is recomputed from its encoding,
//     which must hold that entries root, and its inclusion path is checked
//     against the log root;
//   - the log root must be the one of the checkpoint note, and the one of
//     the state fetched separately (nothing is written in between);
//   - the proven row's value column must be the bytes written.
//
// Not checked here: checkpoint signatures (the server has no key in the
// test) and consistency with a previously trusted state (stela's Go
// client and "stela kv verified-get" do both).
//
// Usage: java HttpApiProbe BASE_URL USER PASSWORD
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class HttpApiProbe {
    static String base, token;

    static class Resp {
        int status;
        byte[] body;
        HttpURLConnection conn;
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    static Resp call(String method, String path, String ctype, byte[] body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
        c.setRequestMethod(method);
        if (token != null) c.setRequestProperty("Authorization", "Bearer " + token);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", ctype);
            try (OutputStream o = c.getOutputStream()) { o.write(body); }
        }
        Resp r = new Resp();
        r.conn = c;
        r.status = c.getResponseCode();
        InputStream in = r.status < 400 ? c.getInputStream() : c.getErrorStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        if (in != null) { in.transferTo(buf); in.close(); }
        r.body = buf.toByteArray();
        if (r.status != 200) throw new RuntimeException(method + " " + path + ": " + r.status + " " + r.text());
        return r;
    }

    // Minimal JSON field access: enough for the flat objects stela sends.
    static String str(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) throw new RuntimeException("no string field " + field + " in " + json);
        return m.group(1).replace("\\n", "\n").replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&").replace("\\\"", "\"");
    }

    static long num(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        if (!m.find()) throw new RuntimeException("no number field " + field + " in " + json);
        return Long.parseLong(m.group(1));
    }

    static List<byte[]> hexList(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) throw new RuntimeException("no array field " + field);
        List<byte[]> out = new ArrayList<>();
        Matcher h = Pattern.compile("\"([0-9a-f]+)\"").matcher(m.group(1));
        while (h.find()) out.add(hex(h.group(1)));
        return out;
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) d.update(p);
        return d.digest();
    }

    // RFC 9162 section 2.1.3.2: the root an inclusion path leads to.
    static byte[] rootFromPath(long index, long size, byte[] leaf, List<byte[]> path) throws Exception {
        if (index >= size) throw new RuntimeException("index " + index + " outside a tree of " + size);
        long fn = index, sn = size - 1;
        byte[] r = leaf;
        byte[] one = {1};
        for (byte[] p : path) {
            if (sn == 0) throw new RuntimeException("inclusion path too long");
            if ((fn & 1) == 1 || fn == sn) {
                r = sha256(one, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
                }
            } else {
                r = sha256(one, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) throw new RuntimeException("inclusion path too short");
        return r;
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new RuntimeException("verification failed: " + what);
    }

    // The columns of a row's stored encoding: 0x01, uvarint count, then
    // 0x00 (NULL) or uvarint(len+1) and the bytes.
    static List<byte[]> columns(byte[] row) {
        check(row.length > 0 && row[0] == 1, "row format version");
        int[] pos = {1};
        long n = uvarint(row, pos);
        List<byte[]> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long l = uvarint(row, pos);
            if (l == 0) { out.add(null); continue; }
            out.add(Arrays.copyOfRange(row, pos[0], pos[0] + (int) (l - 1)));
            pos[0] += (int) (l - 1);
        }
        return out;
    }

    static long uvarint(byte[] b, int[] pos) {
        long x = 0;
        for (int s = 0; ; s += 7) {
            int c = b[pos[0]++] & 0xff;
            x |= (long) (c & 0x7f) << s;
            if (c < 0x80) return x;
        }
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        String login = "{\"user\":\"" + args[1] + "\",\"password\":\"" + args[2] + "\"}";
        token = str(call("POST", "/api/v1/login", "application/json", login.getBytes(StandardCharsets.UTF_8)).text(), "token");

        byte[] value = "written from Java".getBytes(StandardCharsets.UTF_8);
        String key = "java/probe";
        String path = "/api/v1/db/defaultdb/kv/java%2Fprobe";
        long tx = num(call("PUT", path, "text/plain", value).text(), "tx");
        Resp got = call("GET", path, null, null);
        check(Arrays.equals(got.body, value), "value read back");
        check(Long.parseLong(got.conn.getHeaderField("X-Stela-Tx")) == tx, "X-Stela-Tx");
        check(got.conn.getContentType().equals("text/plain"), "content type");
        String hist = call("GET", path + "/history", null, null).text();
        check(hist.contains("\"op\":\"insert\"") && hist.contains("\"tx\":" + tx), "history");

        String proof = call("GET", path + "/proof", null, null).text();
        String state = call("GET", "/api/v1/db/defaultdb/state", null, null).text();
        Matcher hm = Pattern.compile("\"header\":(\\{[^}]*\\})").matcher(proof);
        check(hm.find(), "proof has a header");
        String header = hm.group(1);
        String top = proof.replace(header, "{}");

        // The entry: key, value digest, metadata -> leaf -> entries root.
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] k = b64.decode(str(top, "key"));
        byte[] v = b64.decode(str(top, "value"));
        // metadata is null when the entry has none.
        byte[] meta = top.contains("\"metadata\":null") ? new byte[0] : b64.decode(str(top, "metadata"));
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        entry.write(0x01);
        entry.write(k.length >> 8);
        entry.write(k.length & 0xff);
        entry.write(k);
        entry.write(sha256(v));
        for (int s = 24; s >= 0; s -= 8) entry.write((meta.length >> s) & 0xff);
        entry.write(meta);
        byte[] entryLeaf = sha256(new byte[] {0}, entry.toByteArray());
        byte[] entriesRoot = rootFromPath(num(top, "entry_index"), num(header, "entries"), entryLeaf, hexList(top, "entry_path"));
        check(Arrays.equals(entriesRoot, hex(str(header, "entries_root"))), "entry inclusion in its transaction");

        // The header: its encoding holds the entries root; leaf -> log root.
        byte[] enc = b64.decode(str(header, "encoding"));
        check(enc.length == 54 && Arrays.equals(Arrays.copyOfRange(enc, 22, 54), entriesRoot), "header encoding holds the entries root");
        byte[] txLeaf = sha256(new byte[] {0}, enc);
        check(Arrays.equals(txLeaf, hex(str(header, "leaf_hash"))), "header leaf hash");
        long proofTx = num(header, "tx");
        check(proofTx == tx, "the proof is of the version written");
        long size = num(top, "size");
        byte[] root = rootFromPath(proofTx - 1, size, txLeaf, hexList(top, "tx_path"));
        check(Arrays.equals(root, hex(str(top, "root"))), "transaction inclusion in the log");

        // The checkpoint note says the same, and so does the state.
        String[] note = str(top, "checkpoint").split("\n");
        check(Long.parseLong(note[1]) == size && Arrays.equals(b64.decode(note[2]), root), "checkpoint note");
        check(num(state, "tx") == size && Arrays.equals(hex(str(state, "root")), root), "state");

        // The proven row is the key and value written.
        List<byte[]> cols = columns(v);
        check(new String(cols.get(0), StandardCharsets.UTF_8).equals(key), "proven key column");
        check(Arrays.equals(cols.get(1), value), "proven value column");
        System.out.println("OK verified " + key + " at tx " + tx + " in a log of " + size);
    }
}
