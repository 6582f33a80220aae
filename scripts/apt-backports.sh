# Sourced by scripts/install-system.sh (and by its test): derives the apt source of
# <codename>-backports from the machine's own configured Debian source, so a local or corporate
# mirror keeps being used. `debian_source_of ROOT CODENAME` prints "URI<TAB>SIGNED_BY" of the first
# enabled `deb` entry whose suite is exactly CODENAME (not -updates/-security), read from
# ROOT/etc/apt/sources.list and ROOT/etc/apt/sources.list.d/*.list (one-line format, with
# `[signed-by=...]` options) and ROOT/etc/apt/sources.list.d/*.sources (deb822 stanzas, `#` comment
# lines and `Enabled: no` honoured); SIGNED_BY is empty when the entry names no key file. Nothing
# is printed when no such entry exists. `backports_stanza ROOT CODENAME` prints the deb822 stanza
# to write (same URI and key, suite CODENAME-backports, component main) or fails with a message.
# `has_backports ROOT CODENAME` succeeds when a CODENAME-backports source is already configured.

debian_source_of() {
  local root="$1" codename="$2" f out
  local files=()
  [ -f "$root/etc/apt/sources.list" ] && files+=("$root/etc/apt/sources.list")
  for f in "$root"/etc/apt/sources.list.d/*.list; do [ -f "$f" ] && files+=("$f"); done
  if [ "${#files[@]}" -gt 0 ]; then
    out="$(awk -v want="$codename" '
      /^[ \t]*deb[ \t]/ {
        line = $0; sub(/#.*/, "", line); n = split(line, w, /[ \t]+/); i = 1
        while (w[i] == "") i++
        i++; signed = ""
        if (w[i] ~ /^\[/) {
          while (1) {
            opt = w[i]; gsub(/[\[\]]/, "", opt)
            if (opt ~ /^signed-by=/) { signed = substr(opt, 11) }
            if (w[i] ~ /\]$/) break
            i++
          }
          i++
        }
        uri = w[i]; suite = w[i + 1]
        if (suite == want) { print uri "\t" signed; exit }
      }' "${files[@]}")"
    if [ -n "$out" ]; then printf '%s\n' "$out"; return 0; fi
  fi
  for f in "$root"/etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v want="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled !~ /^(no|false)$/) {
          n = split(suites, s, /[ \t]+/)
          for (j = 1; j <= n; j++) if (s[j] == want) { split(uris, u, /[ \t]+/); print u[1] "\t" signed; found = 1; exit }
        }
        types = ""; uris = ""; suites = ""; signed = ""; enabled = ""; key = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }   # continuation line (e.g. an inline Signed-By key block)
      {
        key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "enabled") enabled = tolower(val)
        else if (key == "signed-by") signed = (val ~ /^\//) ? val : ""
      }
      END { if (!found) flush() }' "$f" | head -n 1
  done | head -n 1
}

backports_stanza() {
  local root="$1" codename="$2" src uri signed
  src="$(debian_source_of "$root" "$codename")"
  if [ -z "$src" ]; then
    echo "install-system: no '$codename' Debian source in $root/etc/apt (sources.list, sources.list.d/*.list or *.sources); add a $codename-backports source yourself and re-run" >&2
    return 1
  fi
  uri="${src%%$'\t'*}"
  signed="${src#*$'\t'}"
  printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\n' "$uri" "$codename"
  if [ -n "$signed" ]; then printf 'Signed-By: %s\n' "$signed"; fi
}

has_backports() {
  local root="$1" codename="$2"
  grep -rqsE "(^|[[:space:]])$codename-backports([[:space:]]|\$)" "$root/etc/apt/sources.list" "$root/etc/apt/sources.list.d/"
}
