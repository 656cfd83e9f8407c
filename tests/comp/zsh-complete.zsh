#!/usr/bin/env zsh
# zsh-complete.zsh COMPDIR LINE...: what zsh's completion system offers when
# <Tab> is pressed at the end of each LINE, in an interactive zsh driven through
# a pseudo-terminal (zpty), compinit loaded with COMPDIR first in fpath
# (and of the system's functions only those of the completion system).
# Prints for each LINE "== LINE", each candidate the completion functions
# add (after matching the word), sorted, then "DESC: ..." for the
# descriptions shown with them, then "BUFFER: ..." with the line as the
# completion left it (what a unique candidate became, quoted).
zmodload zsh/zpty || exit 2
compdir=${1:A}
shift
rc=$(mktemp -d) || exit 2
out=$rc/out
cat >$rc/.zshrc <<RC
PS1='' RPS1=''
# compinit reads every function of fpath: the parts completion needs only
fpath=(${(q)compdir} \${(M)fpath:#*/Completion(|/Base|/Unix|/Zsh)})
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' menu no
# A compadd that records what it adds, then adds it; the calls that only
# fill arrays or test pass through.
compadd() {
  if (( \${@[(I)-[OAD]*]} )); then builtin compadd "\$@"; return; fi
  local -a __m
  local __dn=\${@[(I)-d]}
  builtin compadd -A __m "\$@"
  print -rl -- "M:"\${^__m} >>${(q)out}
  (( __dn )) && print -rl -- "D:"\${^\${(P)\${@[__dn+1]}}} >>${(q)out}
  builtin compadd "\$@"
}
_zc_tab() {
  zle complete-word 2>>${(q)out}.err
  print -r -- "BUFFER: \$BUFFER" >>${(q)out}
  print DONE >>${(q)out}
  BUFFER=''
}
zle -N _zc_tab && bindkey '^I' _zc_tab
RC
zpty z env ZDOTDIR=$rc zsh -i || exit 2
n=0
for line; do
  zpty -w -n z "$line"$'\t'
  (( n++ ))
  for (( i = 0; i < 300; i++ )); do
    [[ -f $out ]] && (( $(grep -cx DONE $out) >= n )) && break
    sleep 0.05
  done
done
zpty -d z
[[ -s $out.err ]] && cat $out.err >&2
n=0
typeset -a sect ms ds
sect=()
for l in "${(@f)$(<$out)}"; do
  if [[ $l == DONE ]]; then
    (( n++ ))
    print -r -- "== $argv[n]"
    ms=(${(M)sect:#M:*}) ds=(${(M)sect:#D:*})
    (( $#ms )) && print -rl -- $ms | cut -c3- | LC_ALL=C sort -u
    (( $#ds )) && print -rl -- $ds | cut -c3- | LC_ALL=C sort -u | sed 's/^/DESC: /'
    print -rl -- ${(M)sect:#BUFFER: *}
    sect=()
  else
    sect+=("$l")
  fi
done
rm -rf $rc
