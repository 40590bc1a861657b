#!/usr/bin/env bash
# Builds target/gatehouse-<version>-linux-x64.tar.gz from target/gatehouse.jar: a jlink'd runtime with
# only the modules Gatehouse uses, the jar, a launcher that needs no JDK, the reference config, the
# systemd unit and the operator docs (docs/install.md). Run by `./gatehouse package` and by Maven's
# dist profile (pom.xml); needs JAVA_HOME to be a JDK 25 (jdeps, jlink).
set -euo pipefail
cd "$(dirname "$0")/.."
JDK=${JAVA_HOME:?JAVA_HOME must name a JDK 25}
JAR=target/gatehouse.jar
[ -f "$JAR" ] || { echo "package.sh: $JAR is missing (./gatehouse build)" >&2; exit 1; }

VERSION=$(unzip -p "$JAR" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Implementation-Version: //p')
[ -n "$VERSION" ] || { echo "package.sh: no Implementation-Version in $JAR" >&2; exit 1; }
NAME=gatehouse-$VERSION
STAGE=target/package/$NAME
TARBALL=target/$NAME-linux-x64.tar.gz

# What the classes reference, as jdeps reads them: java.sql (JDBC), java.naming (HikariCP, pgjdbc,
# Bouncy Castle), jdk.management (com.sun.management, for the Prometheus JVM metrics), jdk.unsupported
# (sun.misc.Signal, Netty), java.security.jgss (pgjdbc's GSSAPI), jdk.jfr (Netty), java.compiler (jte's
# and Vert.x's optional compilers), java.desktop (java.beans in Jackson, java.awt in pgjdbc's geometry).
# Computed at each build so that a new dependency brings its modules along.
MODULES=$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$JAR")
# What jdeps cannot see because it is looked up at run time by name. None is needed today:
# jdk.crypto.ec is empty since JDK 22 (EC is in java.base), Gatehouse formats with Locale.ROOT and
# reads UTF-8 only (no jdk.localedata, jdk.charsets), Netty reads /etc/resolv.conf before trying
# JNDI's DNS provider (jdk.naming.dns), and nothing opens a zip file system (jdk.zipfs).
# PackageRunsWithoutAJdkIT starts the package and signs in: add a module here when it finds one.
EXTRA_MODULES=""
MODULES=$MODULES${EXTRA_MODULES:+,$EXTRA_MODULES}

rm -rf target/package "$TARBALL"
mkdir -p "$STAGE"/{lib,bin,etc,systemd,docs}
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --generate-cds-archive --output "$STAGE/runtime"
# The default CDS archive, as a JDK has it (class loading at start from a mapped archive, shared
# between processes); the one for uncompressed oops is never used with a heap under 32 GiB.
rm -f "$STAGE"/runtime/lib/server/classes_nocoops.jsa
cp "$JAR" "$STAGE/lib/gatehouse.jar"
cp dist/jvm-options "$STAGE/lib/jvm-options"
cp dist/bin/gatehouse "$STAGE/bin/gatehouse"
cp dist/aot-cache.sh "$STAGE/lib/aot-cache.sh"
cp config/gatehouse.reference.toml "$STAGE/etc/gatehouse.toml"
cp dist/gatehouse.service "$STAGE/systemd/gatehouse.service"
cp README.md "$STAGE/README.md"
# The docs, which link each other; not the screenshots (docs/screenshots, for the README on the web).
cp docs/*.md "$STAGE/docs/"
for notice in LICENSE LICENSE.md NOTICE COPYING; do
  if [ -f "$notice" ]; then cp "$notice" "$STAGE/"; fi
done
chmod 0755 "$STAGE/bin/gatehouse" "$STAGE/lib/aot-cache.sh"

tar -C target/package --owner=0 --group=0 --numeric-owner -czf "$TARBALL" "$NAME"
echo "$TARBALL ($(du -m "$TARBALL" | cut -f1) MB; runtime $(du -sm "$STAGE/runtime" | cut -f1) MB: $MODULES)"
