# Debian packages for the harness scripts: installing what a step needs,
# and apt for the guest's architecture without touching the system's.
# Sourced by lib.sh (which gives TOP, BUILD, die and log).
# shellcheck shell=bash

# apt-get install what is missing, once; the package names are Debian's.
need_packages() {
	local missing=() p
	for p in "$@"; do
		case " ${missing[*]} " in *" $p "*) continue ;; esac
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]}: run 'sudo apt-get install ${missing[*]}'"
	log "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$BUILD/apt-install.log" 2>&1; then
		apt-get update -q >>"$BUILD/apt-install.log" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >>"$BUILD/apt-install.log" 2>&1 ||
			die "apt-get install ${missing[*]} failed: see $BUILD/apt-install.log"
	fi
}

# The Debian archive this machine already uses (the first "debian" URI of
# its apt sources that serves main). Nothing else is ever contacted.
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '
			/^[[:space:]]*#/ { next }
			/^deb[[:space:]]/ {
				for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
				if ($i ~ /\/debian\/?$/ && $0 ~ / main/) { print $i; exit }
			}
			/^URIs:/ { u = $2 }
			/^Suites:/ && u ~ /\/debian\/?$/ { print u; exit }
		' "$f")
		[ -n "$uri" ] && {
			echo "${uri%/}"
			return 0
		}
	done
	die "no Debian archive found in the apt sources: add one (a 'deb <mirror>/debian bookworm main' line) to /etc/apt/sources.list"
}

# apt-get/apt-cache against extra suites and a foreign architecture, with
# all state under build/apt: the system's apt and dpkg are not changed.
# Usage: private_apt SUITES DEB_ARCH apt-get|apt-cache ARGS...
private_apt() {
	local suites=$1 arch=$2 dir key s
	shift 2
	dir="$BUILD/apt/${suites// /+}-$arch"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	if [ ! -s "$dir/sources.list" ]; then
		local mirror
		mirror=$(debian_mirror) || exit 1
		for s in $suites; do
			echo "deb [arch=$arch signed-by=$key] $mirror $s main"
		done >"$dir/sources.list.tmp"
		mv "$dir/sources.list.tmp" "$dir/sources.list"
	fi
	: >"$dir/status"
	"$@" -q -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::Etc::Preferences=/nonexistent -o Dir::Etc::PreferencesParts=/nonexistent \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::State::status="$dir/status" -o APT::Architecture="$arch" \
		-o APT::Architectures="$arch" -o APT::Sandbox::User=root
}

# Refresh the private package lists when they are missing or a day old.
private_apt_update() {
	local dir="$BUILD/apt/${1// /+}-$2"
	mkdir -p "$dir/lists"
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
		private_apt "$1" "$2" apt-get update >"$dir/update.log" 2>&1 ||
			die "could not read the package lists of '$1' ($2): see $dir/update.log"
	fi
}
