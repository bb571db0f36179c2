#!/usr/bin/env bash
# Builds Meridian's OCI image without any container registry: no base image is pulled.
#
#   deploy/image/build.sh [--jar PATH | --build-jar] [--out DIR] [--no-load] [--twice]
#
# The image is assembled from what this machine already has:
#   layer 1 "runtime": a jlink'ed Java runtime made from the build's own JDK (the modules the jar needs,
#            found with jdeps, plus the ones loaded as services or named by JDK_JAVA_OPTIONS), the few
#            shared libraries it links against, copied from the machine's Debian packages (glibc,
#            libstdc++, libgcc, zlib; their copyright files and versions under
#            /usr/share/doc/meridian-image), the C.UTF-8 locale, /etc/passwd with the user meridian
#            (uid 10001), and an empty /tmp, the mount point of the writable tmpfs;
#   layer 2 "app":     /app/meridian.jar, /etc/meridian/cluster.xml (the repository's) and
#            /etc/meridian/catalog.json (the built-in catalog, extracted from the jar).
# Both layers are tar files written with fixed timestamps (SOURCE_DATE_EPOCH, default: the commit
# time of HEAD), entries sorted by name, owner 0:0, normalised modes, and gzip without a name or time,
# so the same inputs give the same bytes and the same image digest. The OCI config, manifest and
# index are written by this script (jq); nothing here needs a daemon.
#
# Output (default deploy/image/build/):
#   oci/                          OCI image layout, tag <version>
#   meridian-<version>.oci.tar    the same as an oci-archive (skopeo copy oci-archive:... docker://...)
#   digest                        the manifest digest (sha256:...)
# and, unless --no-load or where podman is missing, the image in podman's local storage as
# meridian:<version> (localhost/meridian:<version>): the name and tag deploy/k8s references.
#
# --jar PATH   the launcher jar (default launcher/target/meridian.jar, built as --build-jar does when
#              missing)
# --build-jar  build the jar first: mvn -o clean package -pl launcher -am with
#              project.build.outputTimestamp=SOURCE_DATE_EPOCH, so that the jar, too, is the same bytes
#              on every build of one commit (two clean builds give the same sha256)
# --out DIR    output directory
# --no-load    do not load the image into podman's storage
# --twice      build a second time into a scratch directory and fail unless both digests match
#
# Installs what is missing with apt-get (idempotent): jq, and podman + skopeo + runc for the load step.
set -euo pipefail
umask 022
export LC_ALL=C

IMAGE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$IMAGE_DIR/../.." && pwd)"
JAR="$ROOT/launcher/target/meridian.jar"
OUT="$IMAGE_DIR/build"
LOAD=1
TWICE=0
BUILD_JAR=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$(realpath "$2")"; shift 2 ;;
    --out) OUT="$(realpath -m "$2")"; shift 2 ;;
    --build-jar) BUILD_JAR=1; shift ;;
    --no-load) LOAD=0; shift ;;
    --twice) TWICE=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
START=$SECONDS

# ---- tools -----------------------------------------------------------------------------------------
apt_install() { # apt_install PACKAGE...: only the ones whose command is missing were passed
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  local sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  log "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
missing=()
command -v jq >/dev/null || missing+=(jq)
if [[ $LOAD == 1 ]]; then
  command -v podman >/dev/null || missing+=(podman)
  command -v skopeo >/dev/null || missing+=(skopeo)
  # crun (podman's default) refuses a cgroup v1 + v2 hybrid host; smoke.sh falls back to runc there.
  command -v runc >/dev/null || missing+=(runc)
fi
[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"
for tool in jlink jdeps tar gzip sha256sum ldd dpkg-query unzip git; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
JAVA_HOME_BUILD="$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")"
[[ -d "$JAVA_HOME_BUILD/jmods" ]] || die "$JAVA_HOME_BUILD has no jmods/ (Debian: apt-get install openjdk-17-jmods)"
JDK_FEATURE="$("$JAVA_HOME_BUILD/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "$JDK_FEATURE" == 17 ]] || log "WARNING: building with JDK $JDK_FEATURE; Meridian targets 17"

# ---- inputs ----------------------------------------------------------------------------------------
VERSION="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$ROOT/pom.xml" | head -1)"
[[ -n "$VERSION" ]] || die "cannot read the project version from pom.xml"
REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}"
export SOURCE_DATE_EPOCH
CREATED="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
IMAGE_NAME="meridian"

if [[ $BUILD_JAR == 1 || ! -f "$JAR" ]]; then
  JAR="$ROOT/launcher/target/meridian.jar"
  log "building $JAR (mvn -o clean package, project.build.outputTimestamp=$SOURCE_DATE_EPOCH)"
  (cd "$ROOT" && mvn -B -ntp -q -o -DskipTests -Dproject.build.outputTimestamp="$SOURCE_DATE_EPOCH" \
    clean package -pl launcher -am) >&2
  log "jar sha256 $(sha256sum "$JAR" | cut -c1-16)..."
fi
[[ -f "$JAR" ]] || die "no jar at $JAR"

# The manifests must name exactly what this script produces.
KUSTOMIZATION="$ROOT/deploy/k8s/base/kustomization.yaml"
if ! awk -v name="$IMAGE_NAME" -v tag="$VERSION" '
    /^images:/ { inside = 1; next }
    inside && /^[^ ]/ { inside = 0 }
    inside && $1 == "newName:" && $2 == name { n = 1 }
    inside && $1 == "newTag:" && $2 == tag { t = 1 }
    END { exit !(n && t) }' "$KUSTOMIZATION"; then
  die "deploy/k8s/base/kustomization.yaml images: must say newName: $IMAGE_NAME, newTag: $VERSION (the image this build makes)"
fi

# ---- runtime: jlink ----------------------------------------------------------------------------------
# Modules jdeps cannot see: java.se because JDK_JAVA_OPTIONS (here and in the manifests) says
# --add-modules java.se for Hazelcast; jdk.crypto.ec (TLS key exchange with the providers, a security
# provider found at run time); jdk.naming.dns (JNDI DNS, looked up by name); jdk.unsupported
# (sun.misc.Unsafe for Netty and Hazelcast); jdk.management (Hazelcast's and Micrometer's JVM metrics);
# jdk.net (jdk.net.ExtendedSocketOptions: Hazelcast sets TCP keep-alive timings with it, else warns).
EXTRA_MODULES="java.se,jdk.crypto.ec,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.management,jdk.jfr"

jar_modules() { # the JDK modules the jar's classes use, by jdeps
  local classes
  classes="$(mktemp -d)"
  unzip -q "$JAR" -d "$classes"
  # A shaded jar carries its dependencies' module-info classes, which make jdeps treat it as a
  # module and fail on the missing ones: analyse it as plain classes.
  find "$classes" -name module-info.class -delete
  jdeps --multi-release 17 --ignore-missing-deps --print-module-deps "$classes"
  rm -rf "$classes"
}

# Libraries the runtime's code loads: the JVM, the launcher, every JDK library except the desktop
# ones (AWT, fonts, sound, splash screen: never loaded by a headless server, and they would pull X11),
# and Netty's epoll library from the jar.
DESKTOP_LIBS='libawt_xawt|libjawt|libsplashscreen|libjsound|libfontmanager|liblcms|libjavajpeg|libmlib_image'

copy_libraries() { # copy_libraries ROOTFS RUNTIME
  local rootfs="$1" runtime="$2" netty elf lib real pkg
  netty="$(mktemp -d)"
  unzip -q "$JAR" 'META-INF/native/*.so' -d "$netty"
  local -A needed=()
  while read -r elf; do
    while read -r lib real; do
      needed["$lib"]="$real"
    done < <(LD_LIBRARY_PATH="$runtime/lib:$runtime/lib/server" ldd "$elf" |
      awk '$2 == "=>" && $3 ~ /^\// && $3 !~ "^'"$runtime"'/" { print $1, $3 }')
  done < <({ echo "$runtime/bin/java"; echo "$runtime/lib/server/libjvm.so"
             ls "$runtime"/lib/*.so | grep -Ev "/($DESKTOP_LIBS)\.so$"
             find "$netty" -name '*.so'; } | sort)
  rm -rf "$netty"
  # libpthread and libdl are stubs in glibc 2.34+, kept for libraries linked against them.
  mkdir -p "$rootfs/lib/x86_64-linux-gnu" "$rootfs/lib64" "$rootfs/usr/share/doc/meridian-image"
  local interp
  interp="$(readlink -f /lib64/ld-linux-x86-64.so.2)"
  cp -L "$interp" "$rootfs/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
  ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rootfs/lib64/ld-linux-x86-64.so.2"
  local -A packages=()
  for lib in $(printf '%s\n' "${!needed[@]}" | sort); do
    cp -L "${needed[$lib]}" "$rootfs/lib/x86_64-linux-gnu/$lib"
    packages["$(package_of "${needed[$lib]}")"]=1
  done
  packages["$(package_of "$interp")"]=1
  # Java takes its text encoding from the locale: C.UTF-8 (glibc's own, from libc-bin).
  if [[ -d /usr/lib/locale/C.utf8 ]]; then
    mkdir -p "$rootfs/usr/lib/locale"
    cp -r /usr/lib/locale/C.utf8 "$rootfs/usr/lib/locale/"
    packages["$(package_of /usr/lib/locale/C.utf8)"]=1
  fi
  local list="$rootfs/usr/share/doc/meridian-image/packages.txt"
  {
    echo "# Debian packages whose files this image contains (name version), and the JDK jlink used"
    for pkg in $(printf '%s\n' "${!packages[@]}" | sort); do
      dpkg-query -W -f '${binary:Package} ${Version}\n' "$pkg"
      if [[ -f "/usr/share/doc/${pkg%%:*}/copyright" ]]; then
        mkdir -p "$rootfs/usr/share/doc/${pkg%%:*}"
        cp -L "/usr/share/doc/${pkg%%:*}/copyright" "$rootfs/usr/share/doc/${pkg%%:*}/copyright"
      fi
    done
    echo "jdk $(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$runtime/release")"
  } >"$list"
  printf '%s\n' "${!needed[@]}" | sort | tr '\n' ' '
}

package_of() { # the Debian package owning a file, trying the merged-/usr spellings
  local path="$1" candidate owner
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
    # "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6" or "libc-bin: /usr/lib/locale/C.utf8"
    owner="$(dpkg-query -S "$candidate" 2>/dev/null | grep -v '^diversion' | head -1 | sed 's/: .*//')" || true
    [[ -n "$owner" ]] && { echo "$owner"; return 0; }
  done
  die "no Debian package owns $path"
}

write_etc() { # write_etc ROOTFS: the user, name lookup, and the writable mount point
  local rootfs="$1"
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nmeridian:x:10001:10001:Meridian:/tmp:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nmeridian:x:10001:\n' >"$rootfs/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

normalise() { # normalise DIR: modes that do not depend on the umask or the source files
  local dir="$1"
  find "$dir" -type d -exec chmod 0755 {} +
  find "$dir" -type f -perm /111 -exec chmod 0755 {} +
  find "$dir" -type f ! -perm /111 -exec chmod 0644 {} +
  [[ -d "$dir/tmp" ]] && chmod 1777 "$dir/tmp"
  return 0
}

layer_tar() { # layer_tar DIR FILE: a reproducible tar of DIR's contents
  local dir="$1"
  # shellcheck disable=SC2012
  (cd "$dir" && ls -A | sort | tar --create --file="$2" --sort=name --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    --no-acls --no-xattrs --no-selinux --files-from=-)
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

blob() { # blob LAYOUT FILE: moves FILE into the layout's blobs, prints its digest
  local digest
  digest="$(sha "$2")"
  mv "$2" "$1/blobs/sha256/$digest"
  echo "$digest"
}

build_once() { # build_once OUTDIR: prints the manifest digest
  local out="$1" work stage layout
  work="$(mktemp -d)"
  stage="$work/stage"
  layout="$out/oci"
  rm -rf "$layout" "$out/meridian-$VERSION.oci.tar"
  mkdir -p "$stage/runtime/opt" "$stage/app/app" "$stage/app/etc/meridian" "$layout/blobs/sha256"

  local modules
  modules="$(jar_modules)"
  modules="$(printf '%s,%s' "$modules" "$EXTRA_MODULES" | tr ',' '\n' | sort -u | paste -sd,)"
  log "jlink --add-modules $modules"
  jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$stage/runtime/opt/java"
  log "shared libraries: $(copy_libraries "$stage/runtime" "$stage/runtime/opt/java")"
  write_etc "$stage/runtime"

  cp "$JAR" "$stage/app/app/meridian.jar"
  cp "$ROOT/cluster.xml" "$stage/app/etc/meridian/cluster.xml"
  unzip -p "$JAR" catalog/default-catalog.json >"$stage/app/etc/meridian/catalog.json"
  normalise "$stage/runtime"
  normalise "$stage/app"

  local -a diff_ids=() layers=() sizes=()
  local name tarfile
  for name in runtime app; do
    tarfile="$work/$name.tar"
    layer_tar "$stage/$name" "$tarfile"
    diff_ids+=("sha256:$(sha "$tarfile")")
    gzip -n -6 "$tarfile"
    sizes+=("$(size "$tarfile.gz")")
    layers+=("$(blob "$layout" "$tarfile.gz")")
  done

  local opts="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
  opts+=" -Dio.netty.native.workdir=/tmp -Djava.awt.headless=true"
  opts+=" --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED"
  opts+=" --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED"
  opts+=" --add-opens java.management/sun.management=ALL-UNNAMED"
  opts+=" --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
  jq -n -c --arg created "$CREATED" --arg version "$VERSION" --arg revision "$REVISION" \
    --arg opts "$opts" --arg d0 "${diff_ids[0]}" --arg d1 "${diff_ids[1]}" '{
      created: $created, architecture: "amd64", os: "linux",
      config: {
        User: "10001:10001",
        Env: ["PATH=/opt/java/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8",
              "JDK_JAVA_OPTIONS=\($opts)",
              "MERIDIAN_HOST=0.0.0.0",
              "MERIDIAN_CLUSTER_CONFIG=/etc/meridian/cluster.xml",
              "MERIDIAN_CATALOG=/etc/meridian/catalog.json"],
        Entrypoint: ["java", "-jar", "/app/meridian.jar"],
        Cmd: ["embedded"],
        WorkingDir: "/app",
        ExposedPorts: {"8080/tcp": {}, "9090/tcp": {}, "5701/tcp": {}, "5801/tcp": {}},
        StopSignal: "SIGTERM",
        Labels: {
          "org.opencontainers.image.title": "meridian",
          "org.opencontainers.image.description": "Meridian, a multi-region edge router for LLM APIs",
          "org.opencontainers.image.version": $version,
          "org.opencontainers.image.revision": $revision,
          "org.opencontainers.image.created": $created
        }
      },
      rootfs: {type: "layers", diff_ids: [$d0, $d1]},
      history: [
        {created: $created, created_by: "deploy/image/build.sh: jlink runtime, shared libraries, /etc"},
        {created: $created, created_by: "deploy/image/build.sh: meridian.jar, cluster.xml, catalog.json"}
      ]
    }' >"$work/config.json"
  local config_size config
  config_size="$(size "$work/config.json")"
  config="$(blob "$layout" "$work/config.json")"

  jq -n -c --arg config "$config" --argjson config_size "$config_size" \
    --arg l0 "${layers[0]}" --argjson s0 "${sizes[0]}" --arg l1 "${layers[1]}" --argjson s1 "${sizes[1]}" \
    --arg version "$VERSION" --arg revision "$REVISION" --arg created "$CREATED" '{
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:\($config)", size: $config_size},
      layers: [
        {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: "sha256:\($l0)", size: $s0},
        {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: "sha256:\($l1)", size: $s1}
      ],
      annotations: {
        "org.opencontainers.image.version": $version,
        "org.opencontainers.image.revision": $revision,
        "org.opencontainers.image.created": $created
      }
    }' >"$work/manifest.json"
  local manifest_size manifest
  manifest_size="$(size "$work/manifest.json")"
  manifest="$(blob "$layout" "$work/manifest.json")"

  jq -n -c --arg manifest "$manifest" --argjson size "$manifest_size" --arg version "$VERSION" '{
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{
        mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:\($manifest)", size: $size,
        platform: {architecture: "amd64", os: "linux"},
        annotations: {"org.opencontainers.image.ref.name": $version}
      }]
    }' >"$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  find "$layout" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  normalise "$layout"
  layer_tar "$layout" "$out/meridian-$VERSION.oci.tar"
  echo "sha256:$manifest" >"$out/digest"
  rm -rf "$work"
  echo "sha256:$manifest"
}

mkdir -p "$OUT"
log "building $IMAGE_NAME:$VERSION (revision ${REVISION:0:12}, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH) into $OUT"
DIGEST="$(build_once "$OUT")"
log "image $IMAGE_NAME:$VERSION  manifest $DIGEST  ($(du -h "$OUT/meridian-$VERSION.oci.tar" | cut -f1) archive)"

if [[ $TWICE == 1 ]]; then
  SECOND="$(mktemp -d)"
  trap 'rm -rf "$SECOND"' EXIT
  log "second build into $SECOND"
  DIGEST2="$(build_once "$SECOND")"
  if [[ "$DIGEST2" != "$DIGEST" ]]; then
    die "not reproducible: first build $DIGEST, second $DIGEST2 (diff the two oci/ directories)"
  fi
  cmp "$OUT/meridian-$VERSION.oci.tar" "$SECOND/meridian-$VERSION.oci.tar" ||
    die "same manifest digest but the archives differ"
  log "reproducible: both builds gave $DIGEST and byte-identical archives"
fi

if command -v skopeo >/dev/null; then
  skopeo inspect --raw "oci:$OUT/oci:$VERSION" | jq -e '.layers | length == 2' >/dev/null ||
    die "skopeo cannot read the layout it should have produced"
fi
if [[ $LOAD == 1 ]]; then
  if command -v podman >/dev/null; then
    podman rmi --force "localhost/$IMAGE_NAME:$VERSION" >/dev/null 2>&1 || true
    skopeo copy --quiet "oci:$OUT/oci:$VERSION" "containers-storage:localhost/$IMAGE_NAME:$VERSION" 2>&1 |
      { grep -v 'using prior storage driver' || true; } >&2
    log "loaded into podman's storage: localhost/$IMAGE_NAME:$VERSION (image id $(podman image inspect --format '{{.Id}}' "localhost/$IMAGE_NAME:$VERSION" | cut -c1-12))"
  else
    log "podman not available: image not loaded (the OCI archive is in $OUT)"
  fi
fi
log "done in $((SECONDS - START)) s"
echo "$IMAGE_NAME:$VERSION $DIGEST"
