package intent

import "strings"

// callRule maps callee names to a capability. A pattern ending in "*"
// matches any name with that prefix; otherwise it must match the whole
// resolved name (for Java, the name's trailing dotted segments, because
// classes are used by simple name).
type callRule struct {
	cap  Cap
	pats []string
}

// Call kinds that are not capabilities by themselves but feed other
// checks.
const (
	kindDecode    Cap = "decode"     // base64/hex/zlib decoding
	kindWrite     Cap = "write"      // file write; capability depends on the path
	kindEnvNamed  Cap = "env-named"  // reads one environment variable
	kindEnvDump   Cap = "env-dump"   // reads the whole environment
	kindConnectTo Cap = "connect-to" // method call that connects when given a host
	kindRead      Cap = "read"       // file read; reported only for sensitive paths
)

var pythonRules = []callRule{
	{CapNetwork, []string{"socket.socket", "socket.create_connection", "socket.getaddrinfo", "socket.gethostbyname", "requests.*", "httpx.*", "urllib.request.*", "urllib3.*", "http.client.*", "aiohttp.*", "smtplib.*", "ftplib.*", "telnetlib.*", "paramiko.*", "websocket.*", "websockets.*", "pycurl.*", "xmlrpc.client.*", "boto3.*", "grpc.*", "dns.resolver.*", "ssl.wrap_socket", "asyncio.open_connection", "http.server.*", "socketserver.*"}},
	{CapProcess, []string{"subprocess.*", "os.system", "os.popen", "os.exec*", "os.spawn*", "os.posix_spawn*", "os.fork", "pty.spawn", "asyncio.create_subprocess_*", "commands.getoutput", "commands.getstatusoutput"}},
	{CapEval, []string{"eval", "exec", "compile", "execfile", "runpy.run_path", "runpy.run_module", "code.InteractiveInterpreter", "builtins.eval", "builtins.exec"}},
	{CapDeserialize, []string{"pickle.load*", "cPickle.load*", "_pickle.load*", "marshal.load*", "shelve.open", "dill.load*", "jsonpickle.decode", "yaml.unsafe_load", "joblib.load", "torch.load", "pandas.read_pickle", "cloudpickle.load*"}},
	{CapNative, []string{"ctypes.*", "_ctypes.*", "cffi.FFI", "ctypes.cdll.LoadLibrary"}},
	{kindDecode, []string{"base64.*decode*", "base64.b*decode", "codecs.decode", "zlib.decompress", "gzip.decompress", "lzma.decompress", "bz2.decompress", "bytes.fromhex", "binascii.unhexlify", "binascii.a2b_*"}},
	{kindWrite, []string{"shutil.copy*", "shutil.move", "os.rename", "os.replace", "os.symlink", "os.link", "*.write_text", "*.write_bytes"}},
	{kindEnvNamed, []string{"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop"}},
	{kindRead, []string{"*.read_text", "*.read_bytes", "shutil.copy*", "tarfile.open", "zipfile.ZipFile.write", "glob.glob"}},
	{kindConnectTo, []string{"*.connect", "*.connect_ex", "*.sendto"}},
}

var jsRules = []callRule{
	{CapNetwork, []string{"fetch", "node-fetch", "node-fetch.*", "axios", "axios.*", "http.request", "http.get", "http.createServer", "https.request", "https.get", "https.createServer", "net.connect", "net.createConnection", "net.Socket", "net.createServer", "tls.connect", "dgram.createSocket", "XMLHttpRequest", "WebSocket", "ws", "ws.*", "got", "got.*", "superagent.*", "request", "request.*", "undici.*", "dns.lookup", "dns.resolve*", "dns.promises.*", "navigator.sendBeacon", "EventSource", "$.ajax", "$.get", "$.post", "jQuery.ajax", "express", "Deno.connect", "Deno.listen"}},
	{CapProcess, []string{"child_process.*", "execa", "execa.*", "shelljs.exec", "Deno.run", "Deno.Command", "Bun.spawn", "Bun.spawnSync", "cross-spawn", "cross-spawn.*"}},
	{CapEval, []string{"eval", "Function", "window.eval", "globalThis.eval", "vm.runInThisContext", "vm.runInNewContext", "vm.runInContext", "vm.Script", "vm.compileFunction", "vm.SourceTextModule"}},
	{CapDeserialize, []string{"node-serialize.unserialize", "serialize-to-js.deserialize", "funcster.*", "cryo.parse"}},
	{CapNative, []string{"ffi-napi.*", "ffi.*", "koffi.*", "process.dlopen", "bindings", "node-gyp-build"}},
	{kindDecode, []string{"atob", "zlib.inflateSync", "zlib.gunzipSync", "zlib.inflateRawSync", "zlib.brotliDecompressSync", "zlib.unzipSync", "Buffer.from"}},
	{kindRead, []string{"fs.readFile*", "fs.createReadStream", "fs.promises.readFile", "fs/promises.readFile", "fs.readdirSync", "fs.readdir", "fs.copyFile*", "Deno.readTextFile", "Deno.readFile", "Bun.file"}},
	{kindWrite, []string{"fs.writeFile*", "fs.appendFile*", "fs.createWriteStream", "fs.copyFile*", "fs.rename*", "fs.symlink*", "fs.promises.writeFile", "fs.promises.appendFile", "fs/promises.writeFile", "fs/promises.appendFile", "fs-extra.outputFile*", "fs-extra.writeJson*", "fs-extra.copy*", "Deno.writeTextFile", "Deno.writeFile", "Bun.write"}},
}

var goRules = []callRule{
	{CapNetwork, []string{"net/http.*", "net.Dial*", "net.Listen*", "net.Lookup*", "net.ResolveTCPAddr", "net.ResolveUDPAddr", "crypto/tls.Dial*", "net/smtp.*", "golang.org/x/crypto/ssh.Dial", "net/rpc.Dial*", "github.com/gorilla/websocket.*", "nhooyr.io/websocket.*", "google.golang.org/grpc.Dial*", "google.golang.org/grpc.NewClient"}},
	{CapProcess, []string{"os/exec.*", "syscall.Exec", "syscall.ForkExec", "os.StartProcess", "golang.org/x/sys/unix.Exec"}},
	{CapEval, []string{"github.com/traefik/yaegi/interp.*"}},
	{CapNative, []string{"plugin.Open", "syscall.Syscall*", "syscall.RawSyscall*", "syscall.LoadDLL", "syscall.NewLazyDLL", "golang.org/x/sys/windows.*DLL", "github.com/ebitengine/purego.Dlopen"}},
	{kindDecode, []string{"encoding/base64.*Decode*", "encoding/hex.Decode*", "compress/gzip.NewReader", "compress/zlib.NewReader", "compress/flate.NewReader"}},
	{kindRead, []string{"os.ReadFile", "os.Open", "io/ioutil.ReadFile", "os.ReadDir"}},
	{kindWrite, []string{"os.WriteFile", "os.Create", "os.OpenFile", "io/ioutil.WriteFile", "os.Rename", "os.Symlink", "os.Link"}},
	{kindEnvNamed, []string{"os.Getenv", "os.LookupEnv"}},
	{kindEnvDump, []string{"os.Environ"}},
}

var javaRules = []callRule{
	{CapNetwork, []string{"Socket", "ServerSocket", "DatagramSocket", "SocketChannel.open", "URL.openConnection", "URL.openStream", "*.openConnection", "*.openStream", "URI.toURL.openConnection", "HttpClient.newHttpClient", "HttpClient.newBuilder", "HttpRequest.newBuilder", "OkHttpClient", "RestTemplate", "WebClient.create", "WebClient.builder", "InetAddress.getByName", "InetAddress.getAllByName", "Jsoup.connect", "HttpClients.createDefault", "HttpClients.custom"}},
	{CapProcess, []string{"Runtime.getRuntime.exec", "ProcessBuilder", "ProcessBuilder.start"}},
	{CapEval, []string{"ScriptEngineManager", "GroovyShell", "URLClassLoader", "URLClassLoader.newInstance", "ToolProvider.getSystemJavaCompiler", "MethodHandles.lookup.defineClass"}},
	{CapDeserialize, []string{"ObjectInputStream", "XMLDecoder", "XStream.fromXML", "SerializationUtils.deserialize", "Yaml.load"}},
	{CapNative, []string{"System.loadLibrary", "System.load", "Runtime.getRuntime.load", "Runtime.getRuntime.loadLibrary", "Native.load", "Native.loadLibrary"}},
	{kindDecode, []string{"Base64.getDecoder.decode", "Base64.getMimeDecoder.decode", "Base64.getUrlDecoder.decode", "DatatypeConverter.parseBase64Binary", "Hex.decodeHex", "GZIPInputStream", "InflaterInputStream"}},
	{kindRead, []string{"Files.readString", "Files.readAllBytes", "Files.readAllLines", "Files.newBufferedReader", "Files.newInputStream", "Files.lines", "FileInputStream", "FileReader"}},
	{kindWrite, []string{"FileWriter", "FileOutputStream", "PrintWriter", "RandomAccessFile", "Files.write", "Files.writeString", "Files.newBufferedWriter", "Files.newOutputStream", "Files.copy", "Files.move", "Files.createSymbolicLink"}},
	{kindEnvNamed, []string{"System.getenv"}},
}

func rulesFor(lang string) []callRule {
	switch lang {
	case Python:
		return pythonRules
	case JavaScript, TypeScript, TSX:
		return jsRules
	case Go:
		return goRules
	case Java:
		return javaRules
	}
	return nil
}

// matchName reports whether a resolved callee name matches a pattern.
func matchName(lang, name, pat string) bool {
	if strings.HasPrefix(pat, "*") {
		return strings.HasSuffix(name, pat[1:])
	}
	if i := strings.IndexByte(pat, '*'); i >= 0 {
		if !strings.HasPrefix(name, pat[:i]) {
			return false
		}
		// a second part after the star must follow somewhere
		rest := pat[i+1:]
		if j := strings.IndexByte(rest, '*'); j >= 0 {
			return strings.Contains(name[i:], rest[:j])
		}
		return rest == "" || strings.HasSuffix(name, rest)
	}
	if name == pat {
		return true
	}
	return lang == Java && strings.HasSuffix(name, "."+pat)
}

// classify returns the capabilities and kinds a callee name has.
func classify(lang, name string) []Cap {
	var out []Cap
	for _, r := range rulesFor(lang) {
		for _, p := range r.pats {
			if matchName(lang, name, p) {
				out = append(out, r.cap)
				break
			}
		}
	}
	return out
}

// Shell commands by what they do.
var (
	shellNetwork = map[string]bool{"curl": true, "wget": true, "nc": true, "ncat": true, "netcat": true, "socat": true, "telnet": true, "ssh": true, "scp": true, "sftp": true, "ftp": true, "tftp": true, "dig": true, "nslookup": true, "aws": true, "gsutil": true, "az": true, "gcloud": true, "http": true, "xh": true}
	// shellNetworkSub are commands that reach the network only with
	// some subcommands.
	shellNetworkSub = map[string][]string{
		"git": {"clone", "fetch", "pull", "push", "ls-remote", "submodule"},
		"npm": {"install", "i", "ci", "publish", "add"}, "yarn": {"add", "install", "publish"}, "pnpm": {"add", "install", "publish"},
		"pip": {"install", "download"}, "pip3": {"install", "download"}, "go": {"get", "install", "mod"},
		"apt-get": {"install", "update"}, "apt": {"install", "update"}, "cargo": {"install", "publish"}, "gem": {"install", "push"},
		"brew": {"install"}, "docker": {"pull", "push", "login"}, "rsync": {"::"},
	}
	shellInterpreters = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "python": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true, "eval": true, "source": true, ".": true}
	shellDecoders     = map[string][]string{"base64": {"-d", "--decode", "-D"}, "xxd": {"-r"}, "openssl": {"-d", "base64"}, "gunzip": nil, "zcat": nil, "uudecode": nil, "rev": nil}
)
