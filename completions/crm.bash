# bash completion for crm and its programs                  -*- shell-script -*-
#
# One file serves every program: it is installed once under each program's
# name, and whichever copy bash loads registers them all.
#
# Adding a program NAME: add NAME to _crm_commands, write _crm_cmd_NAME
# (see "Programs" below) and add crm-NAME to the complete line at the end.

# The programs "crm NAME" may run, in the order "crm help" lists them.
_crm_commands=(init add log rm find segment report mail auto check merge diff)

# Fixed sets of option and operand values.
_crm_types='note call missed email meeting chat sms purchase refund ticket survey task done
	deal bounce'
# Charsets an exported file comes in (--encoding), and CSV separators.
_crm_encodings='windows-1250 iso-8859-2 windows-1252 iso-8859-1 windows-1251 koi8-r utf-16'
_crm_delimiters='; , tab |'
_crm_channels='email phone sms chat meeting web shop post other'
_crm_formats='csv tsv jsonl json table md html'
_crm_cust_formats="$_crm_formats vcard" # of programs whose output is customers
_crm_currencies='EUR PLN CZK BGN USD'
# The fields crm-find derives for a customer from the history, and those of
# an interaction (crm-find -i).
_crm_derived=(last_contact first_contact contacts last_purchase purchases
	revenue avg_rating open_tasks last_campaign open_tickets)
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

# The CRM directory of the command line: its -d/--dir value, else $CRM_DIR,
# else the nearest of the current directory and its parents that holds
# customers.csv. Prints nothing when there is none.
_crm_dir() {
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
	if [[ -n $d ]]; then
		# Undo the simplest quoting and a leading ~.
		[[ $d == \'*\' || $d == \"*\" ]] && d=${d:1:${#d}-2}
		[[ $d == \~/* || $d == \~ ]] && d=$HOME${d#\~}
	elif [[ -n ${CRM_DIR-} ]]; then
		d=$CRM_DIR
	else
		d=$PWD
		while [[ ! -f $d/customers.csv && -n $d ]]; do
			d=${d%/*}
		done
		[[ -n $d ]] || { [[ -f /customers.csv ]] && d=/; }
	fi
	[[ -n $d && -f $d/customers.csv ]] && printf '%s\n' "$d"
}

# Print the id and the e-mail of every customer in the customers.csv of
# directory $1 whose id or e-mail starts with $2. A small CSV reader: quoted
# fields, doubled quotes, line breaks inside quotes, CRLF and a byte order mark.
_crm_customer_list() {
	CRM_PREFIX=$2 LC_ALL=C awk '
	BEGIN { pre = ENVIRON["CRM_PREFIX"] }
	function put(v) {
		if (v != "" && (pre == "" || index(v, pre) == 1)) print v
	}
	function record(   i) {
		if (!seen) {
			seen = 1
			if (f[1] ~ /id$/) f[1] = "id"
			for (i = 1; i <= n; i++) col[f[i]] = i
			ci = col["id"]; ce = col["email"]
			last = ci > ce ? ci : ce
			return
		}
		if (ci) put(f[ci])
		if (ce) put(f[ce])
	}
	{
		sub(/\r$/, "")
		s = $0
		if (!inq) {
			if (index(s, "\"") == 0) { split("", f); n = split(s, f, ","); record(); next }
			split("", f); n = 1; f[1] = ""
		} else
			f[n] = f[n] "\n"
		# Fields up to the last wanted column; after it only the quotes
		# matter, to know whether the record goes on on the next line.
		while (s != "") {
			if (inq) {
				p = index(s, "\"")
				if (!p) { f[n] = f[n] s; break }
				f[n] = f[n] substr(s, 1, p - 1)
				if (substr(s, p + 1, 1) == "\"") { f[n] = f[n] "\""; s = substr(s, p + 2) }
				else { inq = 0; s = substr(s, p + 1) }
			} else if (seen && n > last) {
				if (gsub(/"/, "", s) % 2) inq = 1
				break
			} else {
				p = index(s, ","); q = index(s, "\"")
				if (q && (!p || q < p)) {
					f[n] = f[n] substr(s, 1, q - 1); inq = 1; s = substr(s, q + 1)
				} else if (p) {
					f[n] = f[n] substr(s, 1, p - 1); f[++n] = ""; s = substr(s, p + 1)
				} else {
					f[n] = f[n] s; break
				}
			}
		}
		if (!inq) record()
	}' "$1/customers.csv" 2>/dev/null
}

# Offer the ids and e-mails of the customers of the command line's CRM
# directory that start with $1 (default: $cur).
_crm_customers() {
	local dir list
	dir=$(_crm_dir) || return
	[[ -n $dir ]] || return
	# Read at once: mapfile on a pipe reads it a byte at a time.
	list=$(_crm_customer_list "$dir" "${1-$cur}")
	[[ -n $list ]] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY <<<"$list"
}

# Offer the ids of the open tasks of the command line's CRM directory that
# start with $1 (default: $cur), from crm-log's listing of the tasks.
_crm_open_tasks() {
	local dir list
	dir=$(_crm_dir) || return
	[[ -n $dir ]] || return
	list=$(crm-log -d "$dir" -l --type task -o tsv </dev/null 2>/dev/null |
		CRM_PREFIX=${1-$cur} LC_ALL=C awk -F '\t' '
		NR > 1 && $6 == "open" && index($1, ENVIRON["CRM_PREFIX"]) == 1 { print $1 }')
	[[ -n $list ]] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY <<<"$list"
}

# Print the column names of the header of the customers.csv of directory $1,
# then those of the words of $2 that are not among them, one a line. Reads
# quoted names, doubled quotes, CRLF and a byte order mark.
_crm_columns() {
	CRM_EXTRA=$2 LC_ALL=C awk '
	function put(v) { if (v != "" && !(v in seen)) { seen[v] = 1; print v } }
	NR == 1 {
		sub(/\r$/, "")
		s = $0
		if (substr(s, 1, 3) == "\357\273\277") s = substr(s, 4)
		v = ""; q = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (q) {
				if (c != "\"") v = v c
				else if (substr(s, i + 1, 1) == "\"") { v = v c; i++ }
				else q = 0
			} else if (c == "\"") q = 1
			else if (c == ",") { put(v); v = "" }
			else v = v c
		}
		put(v)
		exit
	}
	END {
		n = split(ENVIRON["CRM_EXTRA"], x, /[ \t\n]+/)
		for (i = 1; i <= n; i++) put(x[i])
	}' "$1/customers.csv" 2>/dev/null
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

# Values shared by several programs; returns 1 for an option it does not know.
_crm_common_value() {
	case $1 in
	-d | --dir) _crm_dirs "$2" ;;
	--import) _crm_files "$2" ;;
	-o | --format) _crm_words "$_crm_formats" "$2" ;;
	--encoding) _crm_words "$_crm_encodings" "$2" ;;
	--delimiter) _crm_words "$_crm_delimiters" "$2" ;;
	--consent) _crm_words 'opt-in opt-out' "$2" ;;
	--color) _crm_words 'auto always never' "$2" ;;
	--channel) _crm_words "$_crm_channels" "$2" ;;
	--type) _crm_words "$_crm_types" "$2" ;;
	--currency) _crm_words "$_crm_currencies" "$2" ;;
	*) return 1 ;;
	esac
}

# ---------------------------------------------------------------------------
# Programs. _crm_cmd_NAME is called with
#   options            set _crm_opts to the option names: a trailing "=" marks
#                      one that takes a value (as the next word or --opt=VALUE),
#                      "=?" one whose value must be attached (--opt=VALUE);
#   value OPT PREFIX   offer the values of OPT that start with PREFIX (return 1
#                      to leave it to the shared values, or to nothing);
#   operand N          offer the N-th operand ($cur is its start).

_crm_cmd_init() {
	case $1 in
	options) _crm_opts='--git -h --help -V --version' ;;
	value) return 1 ;;
	operand) (($2 == 1)) && _crm_dirs ;;
	esac
}

_crm_cmd_add() {
	case $1 in
	options)
		_crm_opts='-e= --email= -p= --phone= --company= --country= --city=
			--tag= --untag= --owner= --stage= --consent= -s= --set= --name=
			--allow-duplicate --update= --import= --map= --delimiter= --encoding=
			--keep-columns --merge= -n --dry-run -d= --dir= --strict -h --help
			-V --version'
		;;
	value)
		case $2 in
		--stage) _crm_words 'lead prospect customer churned' "$3" ;;
		--update | --merge) _crm_customers "$3" ;;
		*) return 1 ;;
		esac
		;;
	operand) _crm_given --merge && _crm_customers ;; # NAME; --merge KEEP DROP...
	esac
}

_crm_cmd_log() {
	case $1 in
	options)
		_crm_opts='--channel= --in --out --subject= --amount= --currency=
			--rating= --score= --due= --ts= --stage= --probability= --close=
			--ref= -s= --set= --done= -l --list --since= --until= --type=
			--import-mail= --new-leads --import-calls= --map= --import= --key=
			--rules= --date-format= --delimiter= --encoding= -v --verbose
			-o= --format= --safe-csv -n --dry-run -d= --dir= --color=? --strict
			-h --help -V --version'
		# tickets, corrections and current states
		_crm_opts+=' --priority= --status= --owner= --void= --current'
		;;
	value)
		case $2 in
		--import-calls | --rules) _crm_files "$3" ;;
		--date-format) _crm_words '%d.%m.%Y %d/%m/%Y %m/%d/%Y %Y-%m-%d' "$3" ;;
		--stage) _crm_words 'new qualified proposal negotiation won lost' "$3" ;;
		--rating) _crm_words '1 2 3 4 5' "$3" ;;
		--score) _crm_words '0 1 2 3 4 5 6 7 8 9 10' "$3" ;;
		--import-mail) _crm_files "$3" ;;
		--done) _crm_open_tasks "$3" ;;
		--priority) _crm_words 'low normal high' "$3" ;;
		--status) _crm_words 'open pending solved closed' "$3" ;;
		*) return 1 ;;
		esac
		;;
	operand)
		# CUSTOMER TYPE [TEXT]; --done TASK [TEXT]; -l [CUSTOMER];
		# --import-mail PATH [PATH]...; --import-calls FILE; --import FILE
		_crm_given --done --import-calls --import && return
		_crm_given --import-mail && { _crm_files; return; }
		case $2 in
		1) _crm_customers ;;
		2) _crm_given -l --list || _crm_words "$_crm_types" ;;
		esac
		;;
	esac
}

_crm_cmd_rm() {
	case $1 in
	options)
		_crm_opts='--forget -n --dry-run -d= --dir= --strict -h --help -V --version'
		;;
	value) return 1 ;;
	operand) _crm_customers ;; # CUSTOMER...
	esac
}

_crm_cmd_check() {
	case $1 in
	options) _crm_opts='-q --quiet --staged -d= --dir= -h --help -V --version' ;;
	value) return 1 ;;
	operand) ;; # none
	esac
}

_crm_cmd_merge() {
	case $1 in
	options) _crm_opts='-h --help -V --version' ;;
	value) return 1 ;;
	operand) ((${2} <= 4)) && _crm_files ;; # BASE OURS THEIRS [PATHNAME]
	esac
}

_crm_cmd_diff() {
	case $1 in
	options) _crm_opts='--textconv -h --help -V --version' ;;
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

# Print the fields crm-find knows on this command line, one a line: with -i
# those of an interaction, else the columns of the CRM directory's
# customers.csv and the derived fields.
_crm_find_fields() {
	if _crm_find_inter; then
		printf '%s\n' "${_crm_ifields[@]}"
		return
	fi
	local dir
	dir=$(_crm_dir)
	if [[ -n $dir ]]; then
		_crm_columns "$dir" "${_crm_derived[*]}"
	else
		printf '%s\n' "${_crm_derived[@]}"
	fi
}

_crm_cmd_find() {
	case $1 in
	options)
		_crm_opts='-w= --where= -F --fixed-strings --case-sensitive -a --ascii
			-f= --fields= --sort= --limit= --wide -c --count -i --interactions
			--currency= -o= --format= --safe-csv -d= --dir= --color=? --strict -h --help
			-V --version'
		# routing calls by number; deals and tickets in their current state
		_crm_opts+=' --phone= --current'
		;;
	value)
		# the option alone, also when it ends a group of flags (-if)
		local o=$2 f list
		[[ $o == -[!-]?* ]] && o=-${o: -1}
		local -a fields=()
		case $o in
		-f | --fields | --sort | -w | --where)
			list=$(_crm_find_fields)
			[[ -n $list ]] && mapfile -t fields <<<"$list"
			;;
		esac
		case $o in
		-f | --fields)
			# FIELD,FIELD,...: complete the last one, leave out those listed
			local part=${3##*,}
			local head=${3%"$part"}
			for f in "${fields[@]}"; do
				[[ ,$head == *",$f,"* ]] && continue
				[[ $f == "$part"* ]] && COMPREPLY+=("$head$f")
			done
			compopt -o nospace 2>/dev/null # room for a comma
			;;
		--sort)
			for f in "${fields[@]}"; do
				[[ $f == "$3"* ]] && COMPREPLY+=("$f")
				[[ $f:desc == "$3"* ]] && COMPREPLY+=("$f:desc")
			done
			;;
		-w | --where)
			# A field name at the start of the expression. In its own word
			# it may follow an opening quote: readline completes after it.
			local v=$3
			[[ $cur == "$v" && $v == [\'\"]* ]] && v=${v:1}
			for f in "${fields[@]}"; do
				[[ $f == "$v"* ]] && COMPREPLY+=("$f")
			done
			compopt -o nospace 2>/dev/null # room for an operator
			;;
		--limit) ;; # N
		-o | --format)
			if _crm_find_inter; then
				_crm_words "$_crm_formats" "$3"
			else
				_crm_words "$_crm_cust_formats" "$3"
			fi
			;;
		*) _crm_common_value "$o" "$3" ;;
		esac
		return 0 # all the values are offered here
		;;
	operand) ;; # PATTERN
	esac
}

# The names crm-segment --only knows: the RFM segments and the lifecycle
# stages.
_crm_segment_names=(Champions Loyal 'Potential Loyalists' New Promising
	'Need Attention' 'About to Sleep' "Can't Lose" 'At Risk' Hibernating
	Prospects new active at-risk lapsed lost)

# Offer the names of _crm_segment_names that start with $1, or, when none
# does, those that start with it in another case (--only ignores the case).
# Bash quotes the blanks and the apostrophe of the names it inserts.
_crm_segments() {
	local v=$1 n
	# the word as typed: an opening quote and backslashes are not part of it
	[[ $v == [\'\"]* ]] && v=${v:1}
	v=${v//\\/}
	local -a found=()
	for n in "${_crm_segment_names[@]}"; do
		[[ $n == "$v"* ]] && found+=("$n")
	done
	if ((${#found[@]} == 0)); then
		for n in "${_crm_segment_names[@]}"; do
			[[ ${n,,} == "${v,,}"* ]] && found+=("$n")
		done
	fi
	((${#found[@]})) || return 0
	COMPREPLY+=("${found[@]}")
	compopt -o filenames 2>/dev/null # have bash quote them
}

_crm_cmd_segment() {
	case $1 in
	options)
		_crm_opts='--rfm --rules= --default= --lifecycle --predict --horizon=
			--discount= --params --as-of= --only= -S --summary --currency= -o= --format=
			--safe-csv -d= --dir= --color=? --strict -h --help -V --version'
		;;
	value)
		# the option alone, also when it ends a group of flags (-So)
		local o=$2
		[[ $o == -[!-]?* ]] && o=-${o: -1}
		case $o in
		--rules) _crm_files "$3" ;;
		--only) _crm_segments "$3" ;;
		--default | --as-of | --discount) ;; # NAME, DATE, RATE
		--horizon) _crm_words '30d 90d 26w 6m 365d 2y' "$3" ;;
		-o | --format) _crm_words "$_crm_cust_formats" "$3" ;;
		*) _crm_common_value "$o" "$3" ;;
		esac
		return 0 # all the values are offered here
		;;
	operand) ;; # none: the customers come from the stream
	esac
}

# The reports of crm-report, the periods of --by, its output formats, and
# the fields of an interaction --group takes besides the customer columns.
_crm_reports='summary activity revenue top segments pipeline campaigns
	satisfaction followups cohorts owners changes tickets forecast digest'
_crm_periods='day week month quarter year'
_crm_report_formats='table csv tsv json md html ics' # ics: followups only
_crm_report_groups=(type channel direction by currency)

_crm_cmd_report() {
	case $1 in
	options)
		_crm_opts='--since= --until= --by= --group= --currency= --limit=
			--window= --periods= --holdout= -o= --format= --safe-csv -d= --dir= --color=? --strict -h --help
			-V --version'
		;;
	value)
		local o=$2 list f
		[[ $o == -[!-]?* ]] && o=-${o: -1}
		case $o in
		--by) _crm_words "$_crm_periods" "$3" ;;
		-o | --format) _crm_words "$_crm_report_formats" "$3" ;;
		--group)
			# the columns of the CRM directory's customers.csv, then the
			# fields of an interaction
			local dir
			dir=$(_crm_dir)
			if [[ -n $dir ]]; then
				list=$(_crm_columns "$dir" "${_crm_report_groups[*]}")
			else
				list=$(printf '%s\n' "${_crm_report_groups[@]}")
			fi
			while IFS= read -r f; do
				[[ -n $f && $f == "$3"* ]] && COMPREPLY+=("$f")
			done <<<"$list"
			;;
		--since | --until | --limit | --window | --periods | --holdout) ;; # DATE, N, DAYS, DURATION
		*) _crm_common_value "$o" "$3" ;;
		esac
		return 0 # all the values are offered here
		;;
	operand) (($2 == 1)) && _crm_words "$_crm_reports" ;; # REPORT
	esac
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
	options)
		_crm_opts='-t= --template= --campaign= -w= --where= --send --sendmail=
			--maildir= --cap= --rate= --limit= --transactional --failed= --sync
			--sms --include-churned
			--cost= --currency= -n --dry-run -d= --dir= --strict -h --help -V --version'
		;;
	value)
		# the option alone, also when it ends a group of flags (-nt)
		local o=$2 f list
		[[ $o == -[!-]?* ]] && o=-${o: -1}
		case $o in
		-t | --template) _crm_templates "$3" ;;
		--maildir) _crm_dirs "$3" ;;
		--failed) _crm_files "$3" ;;
		--sendmail) _crm_command_names "$3" ;;
		-w | --where)
			# a field at the start of the expression: a column of the
			# CRM directory's customers.csv or a derived field
			local dir v=$3
			[[ $cur == "$v" && $v == [\'\"]* ]] && v=${v:1}
			dir=$(_crm_dir)
			if [[ -n $dir ]]; then
				list=$(_crm_columns "$dir" "${_crm_derived[*]}")
			else
				list=$(printf '%s\n' "${_crm_derived[@]}")
			fi
			while IFS= read -r f; do
				[[ -n $f && $f == "$v"* ]] && COMPREPLY+=("$f")
			done <<<"$list"
			compopt -o nospace 2>/dev/null # room for an operator
			;;
		--campaign | --cap | --rate | --limit) ;; # NAME, DAYS, N
		*) _crm_common_value "$o" "$3" ;;
		esac
		return 0 # all the values are offered here
		;;
	operand) ;; # none: the recipients come from the stream or --where
	esac
}

# --- crm-auto (kept apart: the completions are to be generated) -----------

_crm_cmd_auto() {
	case $1 in
	options)
		_crm_opts='-n --dry-run --include-churned -d= --dir= --strict -h --help -V --version'
		;;
	value) return 1 ;; # only the common options take values
	operand)
		# the names of the rules of the CRM directory's automations.conf
		local dir
		dir=$(_crm_dir)
		[[ -n $dir && -r $dir/automations.conf ]] || return 0
		_crm_words "$(sed -n 's/^[[:space:]]*\([[:alnum:]_.-]*\)[[:space:]]*:.*/\1/p' "$dir/automations.conf")"
		;;
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
	local words cword cur prog _crm_opts='' i
	COMPREPLY=()
	_crm_join_words
	cur=${words[cword]}
	prog=${words[0]##*/}

	if [[ $prog == crm ]]; then
		if ((cword == 1)) || { ((cword == 2)) && [[ ${words[1]} == help ]]; }; then
			if [[ $cur == -* ]]; then
				((cword == 1)) && _crm_words '-h --help -V --version'
			else
				((cword == 1)) && _crm_words help
				_crm_installed
			fi
			_crm_trim
			return 0
		fi
		[[ ${words[1]} == help || ${words[1]} == -* ]] && return 0
		# Complete the rest as the line "crm-NAME ARGS" would be.
		prog=crm-${words[1]}
		words=("$prog" "${words[@]:2}")
		((cword--))
	fi

	local name=${prog#crm-}
	if [[ $prog != crm-* ]] || ! declare -F "_crm_cmd_$name" >/dev/null; then
		compopt -o default 2>/dev/null # a program this file does not know yet
		return 0
	fi
	"_crm_cmd_$name" options

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
		"_crm_cmd_$name" value "$opt" "$cur" || _crm_common_value "$opt" "$cur"
	elif ((!ddash)) && [[ $cur == --*=* ]]; then
		# --opt=VALUE: offer whole words, the part bash replaces is cut below.
		opt=${cur%%=*}
		local val=${cur#*=} pre=${cur%%=*}= n=${#COMPREPLY[@]}
		"_crm_cmd_$name" value "$opt" "$val" || _crm_common_value "$opt" "$val"
		for ((i = n; i < ${#COMPREPLY[@]}; i++)); do
			COMPREPLY[i]=$pre${COMPREPLY[i]}
		done
	elif ((!ddash)) && [[ $cur == -* ]]; then
		local o
		for o in $_crm_opts; do
			o=${o%=}
			[[ $o == *=\? ]] && o=${o%\?}
			[[ $o == "$cur"* ]] && COMPREPLY+=("$o")
		done
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
			compopt -o nospace 2>/dev/null
	else
		"_crm_cmd_$name" operand $((nops + 1))
	fi
	_crm_trim
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
