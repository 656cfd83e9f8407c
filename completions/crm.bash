# bash completion for crm and its programs                  -*- shell-script -*-
#
# One file serves every program: it is installed once under each program's
# name, and whichever copy bash loads registers them all.
#
# The options come from the programs themselves: "PROG --complete-options"
# prints each option with the kind of its value (asked once per program and
# session), "PROG --complete-values KIND PREFIX" the candidates the data
# gives (customers, open tasks, fields, values of a field, segments) and the
# fixed sets the option tables list, "PROG --complete-commands" the
# sub-commands. What is kept here is what no table gives: the operands of
# each program, and value sets that are not the programs' own words
# (charsets, separators, currencies, date formats).
#
# Adding a program NAME: add NAME to _crm_commands, write _crm_cmd_NAME
# (see "Programs" below) and add crm-NAME to the complete line at the end.

# The programs "crm NAME" may run, in the order "crm help" lists them, when
# crm cannot say.
_crm_commands=(init add log rm find segment report mail auto check merge diff)

# Charsets an exported file comes in (--encoding), and CSV separators.
_crm_encodings='windows-1250 iso-8859-2 windows-1252 iso-8859-1 windows-1251 koi8-r utf-16'
_crm_delimiters='; , tab |'
_crm_currencies='EUR PLN CZK BGN USD'
_crm_datefmts='%d.%m.%Y %d/%m/%Y %m/%d/%Y %Y-%m-%d'
_crm_horizons='30d 90d 26w 6m 365d 2y'
# The fields of an interaction (crm-find -i).
_crm_ifields=(id ts customer type channel direction by subject text amount
	currency rating score due ref stage probability close campaign message_id
	status duration priority owner updated name)

# ---------------------------------------------------------------------------
# Helpers. They work on the locals of _crm_complete: words, cword, cur,
# _crm_opts, and add to COMPREPLY.

# Offer the words of $1 that start with $2 (default: $cur).
_crm_words() {
	local IFS=$' \t\n' w
	for w in $1; do
		[[ $w == "${2-$cur}"* ]] && COMPREPLY+=("$w")
	done
}

# Offer directories, or files, starting with $1 (default: $cur).
_crm_dirs() {
	compopt -o filenames 2>/dev/null
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "${1-$cur}")
}
_crm_files() {
	compopt -o filenames 2>/dev/null
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "${1-$cur}")
}

# The -d/--dir value of the command line, or nothing: the programs find
# the CRM directory themselves otherwise ($CRM_DIR, the parents).
_crm_dir_opt() {
	local i w d=
	for ((i = 1; i < ${#words[@]}; i++)); do
		((i == cword)) && continue
		w=${words[i]}
		case $w in
		--) break ;;
		-d | --dir) ((i + 1 != cword)) && d=${words[i + 1]} ;;
		--dir=*) d=${w#--dir=} ;;
		-d?*) d=${w#-d} ;;
		-[!-]*d) ((i + 1 != cword)) && d=${words[i + 1]} ;; # -nd DIR
		esac
	done
	[[ $d == \'*\' || $d == \"*\" ]] && d=${d:1:${#d}-2}
	[[ $d == \~/* || $d == \~ ]] && d=$HOME${d#\~}
	printf '%s' "$d"
}

# The CRM directory of the command line: its -d/--dir value, else $CRM_DIR,
# else the nearest of the current directory and its parents that holds
# customers.csv. Prints nothing when there is none.
_crm_dir() {
	local d
	d=$(_crm_dir_opt)
	if [[ -z $d && -n ${CRM_DIR-} ]]; then
		d=$CRM_DIR
	elif [[ -z $d ]]; then
		d=$PWD
		while [[ ! -f $d/customers.csv && -n $d ]]; do
			d=${d%/*}
		done
		[[ -n $d ]] || { [[ -f /customers.csv ]] && d=/; }
	fi
	[[ -n $d && -f $d/customers.csv ]] && printf '%s\n' "$d"
}

# The program of the line as a command to run: its path when it is one,
# else as found on PATH.
_crm_prog_path() {
	if [[ $1 == */* ]]; then
		printf '%s' "$1"
	else
		type -P "$1" 2>/dev/null
	fi
}

# The options of program $1 (as _crm_prog_path gives it), asked once per
# session: set _crm_opts to their names (a trailing "=" marks one that takes
# a value, "=?" one whose value must be attached) and _crm_kinds[NAME] to
# the kind of their value.
declare -gA _crm_optcache=()
_crm_load_opts() {
	local s l k suf
	_crm_opts=''
	_crm_kinds=()
	[[ -n $1 ]] || return 0
	if [[ -z ${_crm_optcache[$1]+set} ]]; then
		_crm_optcache[$1]=$("$1" --complete-options </dev/null 2>/dev/null)
	fi
	while IFS=$'\t' read -r s l k _; do
		[[ -n $k ]] || continue
		case $k in
		none) suf= ;;
		=*) suf='=?' ;;
		*) suf='=' ;;
		esac
		[[ $s != - ]] && { _crm_opts+=" -$s${suf%\?}"; _crm_kinds[-$s]=${k#=}; }
		[[ $l != - ]] && { _crm_opts+=" --$l$suf"; _crm_kinds[--$l]=${k#=}; }
	done <<<"${_crm_optcache[$1]}"
}

# Offer the candidates program $_crm_path gives for the value of option or
# kind $1 starting with $2: those in the case typed when there are any,
# else the others.
_crm_ask() {
	local dir list v
	[[ -n $_crm_path ]] || return 0
	dir=$(_crm_dir_opt)
	list=$("$_crm_path" --complete-values "$1" "$2" ${dir:+-d "$dir"} </dev/null 2>/dev/null)
	[[ -n $list ]] || return 0
	local -a all=() same=()
	while IFS=$'\t' read -r v _; do
		[[ -n $v ]] || continue
		all+=("$v")
		[[ $v == "$2"* ]] && same+=("$v")
	done <<<"$list"
	if ((${#same[@]})); then
		COMPREPLY+=("${same[@]}")
	else
		COMPREPLY+=("${all[@]}")
	fi
}

# Offer the customers (ids, e-mails, names only one customer has) that
# start with $1 (default: $cur); bash quotes the blanks of a name.
_crm_customers() {
	local v=${1-$cur}
	[[ $v == [\'\"]* ]] && v=${v:1}
	local n=${#COMPREPLY[@]}
	_crm_ask CUSTOMER "$v"
	((${#COMPREPLY[@]} > n)) && compopt -o filenames 2>/dev/null
	return 0
}

# Whether one of the options $@ is on the line before the current word.
_crm_given() {
	local i o
	for ((i = 1; i < cword; i++)); do
		[[ ${words[i]} == -- ]] && return 1
		for o; do
			[[ ${words[i]} == "$o" || ${words[i]} == "$o"=* ]] && return 0
		done
	done
	return 1
}

# Offer the values of option $1 starting with $2, by the kind of its value
# (_crm_kinds): what the program gives, or for the kinds that are not its
# own words (files, charsets, currencies...) what is kept here.
_crm_value() {
	local o=$1 v=$2 k
	# the option alone, also when it ends a group of flags (-nd)
	[[ $o == -[!-]?* ]] && o=-${o: -1}
	k=${_crm_kinds[$o]-}
	[[ -n $k && $k != none ]] || return 0
	# what only the program's own function knows
	"_crm_cmd_$name" value "$o" "$v" "$k" && return 0
	case $k in
	DIR) _crm_dirs "$v" ;;
	FILE) _crm_files "$v" ;;
	TEMPLATE) _crm_templates "$v" ;;
	CMD) _crm_command_names "$v" ;;
	CUR) _crm_words "$_crm_currencies" "$v" ;;
	ENCODING) _crm_words "$_crm_encodings" "$v" ;;
	CHAR) _crm_words "$_crm_delimiters" "$v" ;;
	DATEFMT) _crm_words "$_crm_datefmts" "$v" ;;
	DURATION) _crm_words "$_crm_horizons" "$v" ;;
	[0-9]*-[0-9]*) _crm_words "$(seq "${k%-*}" "${k#*-}")" "$v" ;; # 1-5
	CUSTOMER) _crm_customers "$v" ;;
	SEGMENT)
		# bash quotes the blanks and the apostrophe of the names
		[[ $v == [\'\"]* ]] && v=${v:1}
		v=${v//\\/}
		local n=${#COMPREPLY[@]}
		_crm_ask "$o" "$v"
		((${#COMPREPLY[@]} > n)) && compopt -o filenames 2>/dev/null
		;;
	EXPR)
		# in its own word the expression may follow an opening quote:
		# readline completes after it
		[[ $cur == "$v" && $v == [\'\"]* ]] && v=${v:1}
		_crm_ask "$o" "$v"
		compopt -o nospace 2>/dev/null # room for an operator or a value
		;;
	FIELDS)
		_crm_ask "$o" "$v"
		compopt -o nospace 2>/dev/null # room for a comma
		;;
	DATE | TIME | N | DAYS | RATE | PCT | AMOUNT | TEXT | NAME | EMAIL | PHONE | COMPANY | CITY | ID | NUMBER | SET | SRC=DST | FIELD=VALUE) ;;
	*) _crm_ask "$o" "$v" ;;
	esac
	return 0
}

# ---------------------------------------------------------------------------
# Programs: what their tables do not say. _crm_cmd_NAME is called with
#   value OPT PREFIX KIND  offer the values of OPT when they are not what its
#                          kind gives (return 1 to leave them to the kind);
#   operand N              offer the N-th operand ($cur is its start).

_crm_cmd_init() {
	case $1 in
	value) return 1 ;;
	operand) (($2 == 1)) && _crm_dirs ;;
	esac
}

_crm_cmd_add() {
	case $1 in
	value) return 1 ;;
	operand) _crm_given --merge && _crm_customers ;; # NAME; --merge KEEP DROP...
	esac
}

# Offer the ids of the open tasks that start with $1.
_crm_open_tasks() {
	_crm_ask TASK "$1"
}

_crm_cmd_log() {
	case $1 in
	value) return 1 ;;
	operand)
		# CUSTOMER TYPE [TEXT]; --done TASK [TEXT]; -l [CUSTOMER];
		# --import-mail PATH [PATH]...; --import-calls FILE; --import FILE
		_crm_given --done --import-calls --import && return
		_crm_given --import-mail && { _crm_files; return; }
		case $2 in
		1) _crm_customers ;;
		2) _crm_given -l --list || _crm_ask TYPE "$cur" ;;
		esac
		;;
	esac
}

_crm_cmd_rm() {
	case $1 in
	value) return 1 ;;
	operand) _crm_given -w --where || _crm_customers ;; # CUSTOMER...
	esac
}

_crm_cmd_auto() {
	case $1 in
	value) return 1 ;;
	operand) _crm_ask RULE "$cur" ;; # RULE...
	esac
}

_crm_cmd_check() {
	case $1 in
	value) return 1 ;;
	operand) ;; # none
	esac
}

_crm_cmd_merge() {
	case $1 in
	value) return 1 ;;
	operand) ((${2} <= 4)) && _crm_files ;; # BASE OURS THEIRS [PATHNAME]
	esac
}

_crm_cmd_diff() {
	case $1 in
	value) return 1 ;;
	operand)
		# OLD NEW, or --textconv FILE (git's forms are not typed)
		if _crm_given --textconv; then
			(($2 == 1)) && _crm_files
		else
			(($2 <= 2)) && _crm_files
		fi
		;;
	esac
}

# Whether crm-find searches the interactions: -i, --interactions (or a prefix
# of it) or a group of flags with i (-ci) anywhere on the line before "--".
_crm_find_inter() {
	local i w
	for ((i = 1; i < ${#words[@]}; i++)); do
		((i == cword)) && continue
		w=${words[i]}
		case $w in
		--) return 1 ;;
		--i*) [[ --interactions == "$w"* ]] && return 0 ;;
		-[!-]*) [[ $w =~ ^-[FsacV]*i ]] && return 0 ;;
		esac
		# skip the value of an option given as the next word
		[[ $w == -?* && $w != *=* ]] && _crm_takes_value "$w" && ((i++))
	done
	return 1
}

_crm_cmd_find() {
	case $1 in
	value)
		# with -i the fields are those of an interaction, and a list of
		# interactions is no vCard; else the kinds say
		_crm_find_inter || return 1
		local f part head v=$3
		case $4 in
		FIELDS)
			# FIELD,FIELD,...: complete the last one, leave out those listed
			part=${3##*,}
			head=${3%"$part"}
			for f in "${_crm_ifields[@]}"; do
				[[ ,$head == *",$f,"* ]] && continue
				[[ $f == "$part"* ]] && COMPREPLY+=("$head$f")
			done
			compopt -o nospace 2>/dev/null # room for a comma
			;;
		SORT)
			for f in "${_crm_ifields[@]}"; do
				[[ $f == "$3"* ]] && COMPREPLY+=("$f")
				[[ $f:desc == "$3"* ]] && COMPREPLY+=("$f:desc")
			done
			;;
		EXPR)
			[[ $cur == "$v" && $v == [\'\"]* ]] && v=${v:1}
			for f in "${_crm_ifields[@]}"; do
				[[ $f == "$v"* ]] && COMPREPLY+=("$f")
			done
			compopt -o nospace 2>/dev/null # room for an operator
			;;
		FORMAT)
			_crm_ask "$2" "$3"
			for f in "${!COMPREPLY[@]}"; do
				[[ ${COMPREPLY[f]} == vcard ]] && unset 'COMPREPLY[f]'
			done
			COMPREPLY=("${COMPREPLY[@]}")
			;;
		*) return 1 ;;
		esac
		return 0
		;;
	operand) ;; # PATTERN
	esac
}

_crm_cmd_segment() {
	case $1 in
	value) return 1 ;;
	operand) ;; # none: the customers come from the stream
	esac
}

# The fields of an interaction crm-report --group takes besides the
# customer columns.
_crm_report_groups='type channel direction by currency'

_crm_cmd_report() {
	case $1 in
	value)
		[[ $4 == FIELD ]] || return 1
		_crm_ask "$2" "$3"
		_crm_words "$_crm_report_groups" "$3"
		return 0
		;;
	operand) (($2 == 1)) && _crm_ask_commands "$cur" ;; # REPORT
	esac
}

# Offer the sub-commands program $_crm_path gives that start with $1.
_crm_ask_commands() {
	local list v
	[[ -n $_crm_path ]] || return 0
	list=$("$_crm_path" --complete-commands "$1" </dev/null 2>/dev/null)
	while IFS=$'\t' read -r v _; do
		[[ -n $v && $v == "$1"* ]] && COMPREPLY+=("$v")
	done <<<"$list"
}

# Offer the templates that start with $1: *.eml files (and directories, to
# get to them), and the names of the *.eml files in the templates directory
# of the command line's CRM directory, which crm-mail -t finds by name.
_crm_templates() {
	local cur=$1 dir f list
	local -A seen=()
	compopt -o filenames 2>/dev/null
	list=$(compgen -d -- "$cur"; compgen -f -X '!*.eml' -- "$cur")
	if [[ $cur != */* ]]; then
		dir=$(_crm_dir)
		if [[ -n $dir ]]; then
			for f in "$dir"/templates/*.eml; do
				[[ -f $f ]] && list+=$'\n'${f##*/}
			done
		fi
	fi
	while IFS= read -r f; do
		[[ -n $f && $f == "$cur"* && -z ${seen[$f]-} ]] || continue
		seen[$f]=1
		COMPREPLY+=("$f")
	done <<<"$list"
}

# Offer the commands that start with $1, or with a / the files.
_crm_command_names() {
	local list
	if [[ $1 == */* ]]; then
		_crm_files "$1"
		return
	fi
	list=$(compgen -c -- "$1" | LC_ALL=C sort -u)
	[[ -n $list ]] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY <<<"$list"
}

_crm_cmd_mail() {
	case $1 in
	value) return 1 ;;
	operand) ;; # none: the recipients come from the stream or --where
	esac
}

# ---------------------------------------------------------------------------

# Rebuild the words of the line as the shell splits them: bash also breaks
# words at the characters of COMP_WORDBREAKS, so "a@b.c" or "--color=auto"
# arrive in pieces. Sets words and cword.
_crm_join_words() {
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	[[ -n ${COMP_LINE-} ]] || return 0
	local rest=$COMP_LINE gap w i j=-1 joined=() at=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		[[ $rest == *"$w"* ]] || return 0 # not what we expected: keep bash's words
		gap=${rest%%"$w"*}
		rest=${rest#*"$w"}
		# A new word when blanks stand before it (an empty word: after it).
		if ((i == 0)) || [[ $gap == *[[:space:]]* ]] ||
			[[ -z $w && ${rest:0:1} == [[:space:]] ]]; then
			joined[++j]=$w
		else
			joined[j]+=$w
		fi
		((i == COMP_CWORD)) && at=$j
	done
	words=("${joined[@]}")
	cword=$at
}

# The completion function of every program.
_crm_complete() {
	local words cword cur prog _crm_opts='' _crm_path i
	local -A _crm_kinds=()
	COMPREPLY=()
	_crm_join_words
	cur=${words[cword]}
	prog=${words[0]}

	if [[ ${prog##*/} == crm ]]; then
		if ((cword == 1)) || { ((cword == 2)) && [[ ${words[1]} == help ]]; }; then
			_crm_path=$(_crm_prog_path "${words[0]}")
			if [[ $cur == -* ]]; then
				if ((cword == 1)); then
					_crm_load_opts "$_crm_path"
					_crm_options
				fi
			else
				# as crm says, else the programs found here
				_crm_ask_commands "$cur"
				if ((${#COMPREPLY[@]} == 0)); then
					_crm_words help
					_crm_installed
				fi
				((cword == 1)) || COMPREPLY=("${COMPREPLY[@]/#help/}")
				local -a keep=()
				for i in "${COMPREPLY[@]}"; do [[ -n $i ]] && keep+=("$i"); done
				COMPREPLY=("${keep[@]}")
			fi
			_crm_trim
			return 0
		fi
		[[ ${words[1]} == help || ${words[1]} == -* ]] && return 0
		# Complete the rest as the line "crm-NAME ARGS" would be, with the
		# crm-NAME beside crm first, as crm runs it.
		prog=crm-${words[1]}
		_crm_path=$(_crm_prog_path "${words[0]}")
		if [[ $_crm_path == */* && -x ${_crm_path%/*}/$prog ]]; then
			prog=${_crm_path%/*}/$prog
		fi
		words=("$prog" "${words[@]:2}")
		((cword--))
	fi

	local name=${prog##*/}
	name=${name#crm-}
	if [[ ${prog##*/} != crm-* ]] || ! declare -F "_crm_cmd_$name" >/dev/null; then
		compopt -o default 2>/dev/null # a program this file does not know yet
		return 0
	fi
	_crm_path=$(_crm_prog_path "$prog")
	_crm_load_opts "$_crm_path"

	# Find where the current word stands: option value, option or operand.
	local w opt='' nops=0 ddash=0
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if ((ddash)) || [[ $w != -?* ]]; then
			((nops++))
		elif [[ $w == -- ]]; then
			ddash=1
		elif [[ $w != *=* ]] && _crm_takes_value "$w"; then
			((i + 1 < cword)) || opt=$w
			((i++))
		fi
	done

	if [[ -n $opt ]]; then
		# The value of an option given as a separate word.
		_crm_value "$opt" "$cur"
	elif ((!ddash)) && [[ $cur == --*=* ]]; then
		# --opt=VALUE: offer whole words, the part bash replaces is cut below.
		opt=${cur%%=*}
		local val=${cur#*=} pre=${cur%%=*}= n=${#COMPREPLY[@]}
		_crm_value "$opt" "$val"
		for ((i = n; i < ${#COMPREPLY[@]}; i++)); do
			COMPREPLY[i]=$pre${COMPREPLY[i]}
		done
	elif ((!ddash)) && [[ $cur == -* ]]; then
		_crm_options
	else
		"_crm_cmd_$name" operand $((nops + 1))
	fi
	_crm_trim
	return 0
}

# Offer the options of _crm_opts that start with $cur.
_crm_options() {
	local o
	for o in $_crm_opts; do
		o=${o%=}
		[[ $o == *=\? ]] && o=${o%\?}
		[[ $o == "$cur"* ]] && COMPREPLY+=("$o")
	done
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
		compopt -o nospace 2>/dev/null
	return 0
}

# Whether option $1 takes its value as the next word: as itself, or as the
# last letter of a group of short options (-nd DIR).
_crm_takes_value() {
	local o
	for o in $_crm_opts; do
		[[ $o == "$1=" ]] && return 0
		[[ $1 == -[!-]?* && $o == "-${1: -1}=" ]] && return 0
	done
	return 1
}

# Offer the crm-NAME programs that are installed (on the PATH or beside crm),
# or all of them when none is found.
_crm_installed() {
	local c here n=${#COMPREPLY[@]}
	if [[ ${words[0]} == */* ]]; then
		here=${words[0]%/*}
	else
		here=$(type -P "${words[0]}" 2>/dev/null) && here=${here%/*}
	fi
	for c in "${_crm_commands[@]}"; do
		[[ $c == "$cur"* ]] || continue
		if type -P "crm-$c" >/dev/null 2>&1 || [[ -n $here && -x $here/crm-$c ]]; then
			COMPREPLY+=("$c")
		fi
	done
	if ((${#COMPREPLY[@]} == n)); then
		_crm_words "${_crm_commands[*]}"
	fi
}

# bash replaces only the part of the word after its last COMP_WORDBREAKS
# character: cut what comes before it from every candidate.
_crm_trim() {
	local brk=${COMP_WORDBREAKS-}
	brk=${brk//[[:space:]\"\']/}
	[[ -n $brk && ${#COMPREPLY[@]} -gt 0 ]] || return 0
	local tail=${cur##*["$brk"]}
	local pre=${cur%"$tail"}
	[[ -n $pre ]] || return 0
	local i
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$pre"}
	done
}

complete -F _crm_complete crm crm-init crm-add crm-log crm-rm crm-find crm-segment crm-report crm-mail crm-auto crm-check crm-merge crm-diff
