#!/usr/bin/env zsh
# zsh-complete.zsh COMPDIR LINE: what zsh's completion system offers when
# <Tab> is pressed at the end of LINE, in an interactive zsh driven through
# a pseudo-terminal (zpty), compinit loaded with COMPDIR first in fpath.
# Prints each candidate the completion functions add (after matching the
# word), sorted, then "DESC: ..." for the descriptions shown with them,
# then "BUFFER: ..." with the line as the completion left it (what a unique
# candidate became, quoted).
zmodload zsh/zpty || exit 2
compdir=${1:A} line=$2
rc=$(mktemp -d) || exit 2
out=$rc/out
cat >$rc/.zshrc <<RC
PS1='' RPS1=''
fpath=(${(q)compdir} \$fpath)
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
}
zle -N _zc_tab && bindkey '^I' _zc_tab
RC
zpty z env ZDOTDIR=$rc zsh -i || exit 2
zpty -w -n z "$line"$'\t'
for (( i = 0; i < 300; i++ )); do
  [[ -f $out ]] && grep -qx DONE $out && break
  sleep 0.1
done
zpty -d z
[[ -s $out.err ]] && cat $out.err >&2
grep '^M:' $out | cut -c3- | LC_ALL=C sort -u
grep '^D:' $out | cut -c3- | LC_ALL=C sort -u | sed 's/^/DESC: /'
grep '^BUFFER: ' $out | tail -n 1
rm -rf $rc
