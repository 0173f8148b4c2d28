package io.embedstream.pipeline.cli;

import io.embedstream.connectors.model.Ed25519Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code embedstream keygen}: an Ed25519 key pair for signing published models. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Write an Ed25519 key pair for signed models: NAME.key (private, PKCS#8 PEM, for the job's"
                + " publish.signing-key) and NAME.pub (public, X.509 PEM, for subscribers and `embed --public-key`).",
                "OpenSSL reads and writes the same files (openssl genpkey -algorithm ed25519)."})
public final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = ".", description = "Folder for the two files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--name", defaultValue = "embedstream-signing", description = "File name stem (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Path privateFile = out.resolve(name + ".key");
        Path publicFile = out.resolve(name + ".pub");
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file) && !force) {
                throw new IllegalArgumentException(file + " exists; choose another --name or --out, or --force");
            }
        }
        Files.createDirectories(out);
        KeyPair pair = Ed25519Keys.generate();
        Ed25519Keys.writePrivatePem(pair.getPrivate(), privateFile);
        Ed25519Keys.writePublicPem(pair.getPublic(), publicFile);
        System.out.println("key " + Ed25519Keys.keyId(pair.getPublic()) + ":");
        System.out.println("  private " + privateFile + "  (job: --set publish.signing-key=" + privateFile + ")");
        System.out.println("  public  " + publicFile + "  (subscribers: embed --public-key " + publicFile + ")");
        return 0;
    }
}
