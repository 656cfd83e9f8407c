# fish completion for crm and its programs.
#
# Installed as crm.fish and as crm-NAME.fish for each program; whichever copy
# fish loads first defines the completions of them all, the others do nothing.
#
# Adding a program NAME: add it to __crm_commands, write __crm_complete_NAME
# (its complete lines, run once at load) and __crm_spec_NAME (its options,
# for argparse).

# The programs "crm NAME" runs, with what "crm help" says of them; offered
# when crm-NAME is installed (on the PATH or beside crm), all when none is.
function __crm_commands
    set -l all \
        "init	create a CRM directory" \
        "add	add, update and import customers" \
        "log	append to a customer's history, close tasks, replay the history" \
        "rm	remove customers (--forget: and their history)" \
        "find	search customers or interactions" \
        "segment	RFM, rule-based and lifecycle segments" \
        "report	predefined reports" \
        "mail	templated mail to the customers of a stream" \
        "auto	run the automations.conf rules, once per customer" \
        "check	validate a CRM directory" \
        "merge	git merge driver for the data files" \
        "diff	git diff driver: customers field by field"
    set -l self (commandline -opc)[1]
    set -l here
    if string match -q -- '*/*' $self
        set here (string replace -r -- '/[^/]*$' '' $self)
    else if set -l p (command -s -- $self)
        set here (string replace -r -- '/[^/]*$' '' $p)
    end
    set -l found
    for c in $all
        set -l name (string split -f1 \t -- $c)
        if command -q crm-$name; or test -n "$here" -a -x "$here/crm-$name"
            set -a found $c
        end
    end
    set -q found[1]; or set found $all
    printf '%s\n' $found
end

# The tokens of the command line before the cursor as one program's: "crm log
# X" as "crm-log X".
function __crm_tokens
    set -l t (commandline -opc)
    set t[1] (string replace -r -- '.*/' '' $t[1])
    if test "$t[1]" = crm; and set -q t[2]
        set t crm-$t[2] $t[3..-1]
    end
    printf '%s\n' $t
end

# The options of each program, for argparse: NAME= takes a value.
function __crm_spec_init
    printf '%s\n' git h/help V/version
end
function __crm_spec_add
    printf '%s\n' e/email= p/phone= company= country= city= tag= untag= owner= \
        stage= consent= s/set= name= allow-duplicate update= import= map= \
        delimiter= encoding= keep-columns merge= n/dry-run d/dir= strict h/help V/version
end
function __crm_spec_log
    printf '%s\n' channel= in out subject= amount= currency= rating= score= \
        due= ts= stage= probability= close= ref= s/set= done= l/list since= \
        until= type= import-mail= new-leads import-calls= map= import= key= rules= \
        date-format= delimiter= encoding= v/verbose o/format= safe-csv n/dry-run d/dir= \
        'color=?' strict h/help V/version \
        priority= status= owner= void= current
end
function __crm_spec_rm
    printf '%s\n' forget n/dry-run d/dir= strict h/help V/version
end
function __crm_spec_check
    printf '%s\n' q/quiet staged d/dir= h/help V/version
end
function __crm_spec_merge
    printf '%s\n' h/help V/version
end
function __crm_spec_diff
    printf '%s\n' textconv h/help V/version
end
function __crm_spec_find
    printf '%s\n' w/where= F/fixed-strings case-sensitive a/ascii f/fields= \
        sort= limit= wide c/count i/interactions currency= o/format= safe-csv d/dir= \
        'color=?' strict h/help V/version \
        phone= current
end
function __crm_spec_segment
    printf '%s\n' rfm rules= default= lifecycle predict horizon= discount= params as-of= \
        only= S/summary currency= o/format= safe-csv d/dir= 'color=?' strict h/help V/version
end
function __crm_spec_report
    printf '%s\n' since= until= by= group= currency= limit= window= periods= holdout= o/format= safe-csv \
        d/dir= 'color=?' strict h/help V/version
end
function __crm_spec_mail
    printf '%s\n' t/template= campaign= w/where= send sendmail= maildir= cap= \
        rate= limit= transactional failed= sync cost= currency= n/dry-run d/dir= strict h/help \
        V/version
end

# Succeed when the word being completed is operand number $argv[1] of the
# program (not an option or an option's value).
function __crm_operand
    set -l n $argv[1]
    set -l t (__crm_tokens)
    set -l name (string replace -- crm- '' $t[1])
    functions -q __crm_spec_$name; or return 1
    set -l cur (commandline -ct)
    # The value of an option given as the previous word is not an operand.
    string match -q -- '-*' $cur; and not contains -- -- $t; and return 1
    set -l spec (__crm_spec_$name)
    argparse -i $spec -- $t[2..-1] 2>/dev/null; or return 1
    # (an option still waiting for its value makes argparse fail)
    test (count $argv) -eq (math $n - 1)
end

# The CRM directory of the command line: its -d/--dir value, else $CRM_DIR,
# else the nearest of the current directory and its parents that holds
# customers.csv.
function __crm_dir
    set -l t (commandline -opc)
    set -l d
    for i in (seq 2 (count $t))
        set -l w $t[$i]
        if test "$w" = --
            break
        else if string match -qr -- '^(-[^-]*d|--dir)$' $w
            set -l j (math $i + 1)
            set -q t[$j]; and set d $t[$j]
        else if string match -qr -- '^--dir=' $w
            set d (string replace -- --dir= '' $w)
        else if string match -qr -- '^-d.' $w
            set d (string sub -s 3 -- $w)
        end
    end
    if test -z "$d"
        if set -q CRM_DIR[1]; and test -n "$CRM_DIR"
            set d $CRM_DIR
        else
            set d $PWD
            while not test -f $d/customers.csv; and test $d != /
                set d (string replace -r -- '/[^/]*$' '' $d)
                test -n "$d"; or set d /
            end
        end
    end
    set d (string replace -r -- '^~(?=/|$)' $HOME $d)
    test -f $d/customers.csv; and echo $d
end

# The ids of the open tasks, each with its text, from crm-log's listing of
# the tasks.
function __crm_open_tasks
    set -l dir (__crm_dir); or return
    crm-log -d $dir -l --type task -o tsv </dev/null 2>/dev/null |
        LC_ALL=C awk -F '\t' 'NR > 1 && $6 == "open" { print $1 "\t" $9 }'
end

# The ids and e-mails of the customers, each with the customer's name, that
# contain the word being completed (fish picks among them, and is slow with
# tens of thousands). A small CSV reader: quoted fields, doubled quotes, line
# breaks inside quotes, CRLF, a byte order mark.
function __crm_customers
    set -l dir (__crm_dir); or return
    CRM_PART=(commandline -ct) LC_ALL=C awk '
    BEGIN { part = tolower(ENVIRON["CRM_PART"]) }
    function put(v) { if (v != "" && (part == "" || index(tolower(v), part))) print v "\t" f[cn] }
    function record(   i) {
        if (!seen) {
            seen = 1
            if (f[1] ~ /id$/) f[1] = "id"
            for (i = 1; i <= n; i++) col[f[i]] = i
            ci = col["id"]; ce = col["email"]; cn = col["name"]
            last = ci > ce ? ci : ce
            if (cn > last) last = cn
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
    }' $dir/customers.csv 2>/dev/null
end

# The fields crm-find knows on the command line, one a line: with -i those of
# an interaction, else the columns of the CRM directory's customers.csv
# (quoted names, CRLF and a byte order mark read) and the fields derived from
# the history.
function __crm_find_fields
    set -l t (__crm_tokens)
    # (the x stands for the value of an option that ends the tokens)
    if argparse -i (__crm_spec_find) -- $t[2..-1] x 2>/dev/null; and set -q _flag_i
        printf '%s\n' id ts customer type channel direction by subject text \
            amount currency rating score due ref stage probability close \
            campaign message_id status duration priority owner updated name
        return
    end
    set -l derived last_contact first_contact contacts last_purchase purchases \
        revenue avg_rating open_tasks last_campaign open_tickets
    set -l dir (__crm_dir)
    if test -z "$dir"
        printf '%s\n' $derived
        return
    end
    __crm_columns $dir "$derived"
end

# The column names of the header of the customers.csv of directory $argv[1]
# (quoted names, CRLF and a byte order mark read), then the words of
# $argv[2] that are not among them, one a line.
function __crm_columns
    CRM_EXTRA=$argv[2] LC_ALL=C awk '
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
        n = split(ENVIRON["CRM_EXTRA"], x, / +/)
        for (i = 1; i <= n; i++) put(x[i])
    }' $argv[1]/customers.csv 2>/dev/null
end

# The value of crm-find -f: the fields not yet in the comma-separated list,
# after those already written.
function __crm_find_field_list
    set -l tok (commandline -ct | string replace -r -- '^(--fields=|-[^-]*f)' '')
    set -l head (string match -r -- '^.*,' "$tok")
    set -l listed (string split , -- "$head")
    for f in (__crm_find_fields)
        contains -- $f $listed; or echo "$head$f"
    end
end

# The value of crm-find --sort: FIELD or FIELD:desc.
function __crm_find_sort
    for f in (__crm_find_fields)
        printf '%s\n' $f $f:desc
    end
end

function __crm_types
    printf '%s\n' "note	a note" "call	a phone call" \
        "missed	a call that did not get through" "email	an e-mail" \
        "meeting	a meeting" "chat	a chat" "sms	a text message" \
        "purchase	a purchase" "refund	a refund" "ticket	a support ticket" \
        "survey	a survey answer" "task	a task to do" "done	a task done" \
        "deal	a deal or its change of stage" "bounce	a mail that came back"
end

# The options of the programs that change the CRM directory.
function __crm_common_options -a c
    complete -c $c -s n -l dry-run -d 'show what would change, change nothing'
    complete -c $c -s d -l dir -x -a '(__fish_complete_directories)' -d 'use the CRM directory DIR'
    complete -c $c -l strict -d 'make a bad history line fatal'
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
end

function __crm_complete_init
    set -l c crm-init
    complete -c $c -f
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    complete -c $c -l git -d 'set up the git repository too (hooks, drivers, attributes, ignores)'
    complete -c $c -n '__crm_operand 1' -a '(__fish_complete_directories)' -d directory
end

function __crm_complete_add
    set -l c crm-add
    complete -c $c -f
    __crm_common_options $c
    complete -c $c -s e -l email -x -d 'e-mail address (stored lower-cased, unique)'
    complete -c $c -s p -l phone -x -d 'phone number'
    complete -c $c -l company -x -d company
    complete -c $c -l country -x -d 'country, ISO 3166 alpha-2 (PL, CZ, BG)'
    complete -c $c -l city -x -d city
    complete -c $c -l tag -x -d 'add a tag (repeatable)'
    complete -c $c -l untag -x -d 'with --update: remove a tag (repeatable)'
    complete -c $c -l owner -x -d 'who looks after the customer'
    complete -c $c -l stage -x -a 'lead prospect customer churned' -d 'lead, prospect, customer or churned'
    complete -c $c -l consent -x -a 'opt-in opt-out' -d 'opt-in or opt-out (marketing mail)'
    complete -c $c -s s -l set -x -d 'set any column, adding it when new (repeatable)'
    complete -c $c -l name -x -d 'the name (to change it with --update)'
    complete -c $c -l allow-duplicate -d 'allow an e-mail another customer has'
    complete -c $c -l update -x -a '(__crm_customers)' -d 'change the given fields of an existing customer (id, e-mail or name)'
    complete -c $c -l import -r -F -d 'import customers from CSV, JSONL or vCard (- for stdin)'
    complete -c $c -l map -x -d 'with --import: read column SRC as DST (repeatable)'
    complete -c $c -l delimiter -x -a '\; , tab \|' -d 'with --import: CSV fields separated by CHAR (default: from the header)'
    complete -c $c -l encoding -x -a 'windows-1250 iso-8859-2 windows-1252 iso-8859-1 windows-1251 koi8-r utf-16' -d "with --import: the file's charset (windows-1250, iso-8859-2)"
    complete -c $c -l keep-columns -d "with --import: add the file's unknown columns to customers.csv"
    complete -c $c -l merge -x -a '(__crm_customers)' -d 'merge the customers DROP... into KEEP (ids, e-mails or names)'
    # --merge KEEP DROP...: the operands are customers too
    complete -c $c -n '__fish_contains_opt merge' -a '(__crm_customers)'
end

function __crm_complete_log
    set -l c crm-log
    complete -c $c -f
    __crm_common_options $c
    complete -c $c -l channel -x -a 'email phone sms chat meeting web shop post other' -d 'the channel'
    complete -c $c -l in -d 'the customer contacted us'
    complete -c $c -l out -d 'we contacted the customer'
    complete -c $c -l subject -x -d 'a subject line'
    complete -c $c -l amount -x -d 'purchase, refund or deal value (129.99)'
    complete -c $c -l currency -x -a 'EUR PLN CZK BGN USD' -d 'ISO 4217 code (default: crm.conf currency, else EUR)'
    complete -c $c -l rating -x -a '1 2 3 4 5' -d 'survey: stars (CSAT)'
    complete -c $c -l score -x -a '0 1 2 3 4 5 6 7 8 9 10' -d 'survey: likelihood to recommend (NPS)'
    complete -c $c -l due -x -d 'task: due date (2026-12-01, +7d)'
    complete -c $c -l ts -x -d 'when it happened (default: now)'
    complete -c $c -l stage -x -a 'new qualified proposal negotiation won lost' -d 'deal: new, qualified, proposal, negotiation, won, lost'
    complete -c $c -l probability -x -d 'deal: chance to win, 0-100 (default from the stage)'
    complete -c $c -l close -x -d 'deal: expected close date'
    complete -c $c -l ref -x -d "deal or ticket: its first event, for a later change"
    # tickets, corrections and current states
    complete -c $c -l priority -x -a 'low normal high' -d 'ticket: low, normal (the default), high'
    complete -c $c -l status -x -a 'open pending solved closed' -d 'ticket: open (the default), pending, solved, closed'
    complete -c $c -l owner -x -d 'ticket: who handles it'
    complete -c $c -l void -x -d 'cancel a wrong event (an optional REASON may follow)'
    complete -c $c -l current -d 'with -l: each deal and ticket once, in its current state'
    complete -c $c -s s -l set -x -d 'set any other field (repeatable)'
    complete -c $c -l done -x -a '(__crm_open_tasks)' -d "close a task: its id, its customer's only open one, or a unique part of its text"
    complete -c $c -s l -l list -d 'replay the history (of one customer) in time order'
    complete -c $c -l since -x -d 'with -l: from this time on (inclusive)'
    complete -c $c -l until -x -d 'with -l: up to this time (a date: to its end)'
    complete -c $c -l type -x -a '(__crm_types)' -d 'with -l: only interactions of this type (repeatable)'
    complete -c $c -l import-mail -r -F -d 'log the mail of an mbox file or Maildir (more PATHs may follow)'
    complete -c $c -l new-leads -d 'with --import-mail: add unknown senders as leads'
    complete -c $c -s o -l format -x -a 'csv tsv jsonl json table md html' -d 'output format'
    complete -c $c -l import-calls -r -F -d "import a phone system's call records, CSV (- for stdin)"
    complete -c $c -l map -x -d 'with --import or --import-calls: read column SRC as DST (repeatable)'
    complete -c $c -l import -r -F -d 'log each row of a CSV or JSON Lines file (- for stdin)'
    complete -c $c -l key -x -d 'with --import: what makes a row unique (default: all it gives)'
    complete -c $c -l rules -r -F -d 'with --import: options from FILE, one a line (imports/NAME.rules)'
    complete -c $c -l date-format -x -a '%d.%m.%Y %d/%m/%Y %m/%d/%Y %Y-%m-%d' -d 'with --import: how the file writes dates (%d/%m/%Y)'
    complete -c $c -l delimiter -x -a '\; , tab \|' -d 'with an import of CSV: fields separated by CHAR (default: from the header)'
    complete -c $c -l encoding -x -a 'windows-1250 iso-8859-2 windows-1252 iso-8859-1 windows-1251 koi8-r utf-16' -d "with an import of CSV or JSON Lines: the file's charset (windows-1250)"
    complete -c $c -s v -l verbose -d 'with an import: report the rows that match no customer'
    complete -c $c -l safe-csv -d 'with -o csv or tsv: quote cells a spreadsheet would run as formulas'
    # --color takes its value only as --color=WHEN
    complete -c $c -a '--color=auto --color=always --color=never' \
        -n 'string match -q -- "--*" (commandline -ct)' -d 'colour the table'
    # CUSTOMER TYPE [TEXT]; --done TASK [TEXT]; -l [CUSTOMER]; --import-mail PATH [PATH]...; --import-calls FILE
    complete -c $c -n '__crm_operand 1; and not __fish_contains_opt done import-mail import-calls import' -a '(__crm_customers)'
    complete -c $c -n '__crm_operand 2; and not __fish_contains_opt -s l done list import-mail import-calls import' -a '(__crm_types)'
    complete -c $c -n '__fish_contains_opt import-mail' -F
end

function __crm_complete_rm
    set -l c crm-rm
    complete -c $c -f
    __crm_common_options $c
    complete -c $c -l forget -d 'also erase every interaction of theirs (right to erasure)'
    complete -c $c -a '(__crm_customers)'
end

function __crm_complete_check
    set -l c crm-check
    complete -c $c -f
    complete -c $c -s q -l quiet -d 'print nothing: only the exit status tells'
    complete -c $c -l staged -d 'check what git is about to commit (a git hook)'
    complete -c $c -s d -l dir -x -a '(__fish_complete_directories)' -d 'use the CRM directory DIR'
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
end

function __crm_complete_merge
    # BASE OURS THEIRS [PATHNAME]: files, which fish offers by itself
    set -l c crm-merge
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    complete -c $c -n '__crm_operand 5' -f
end
function __crm_complete_diff
    # OLD NEW, or --textconv FILE: files, which fish offers by itself
    set -l c crm-diff
    complete -c $c -l textconv -d "print FILE as one line per field (git's textconv)"
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    complete -c $c -n '__crm_operand 3' -f
end

function __crm_complete_find
    set -l c crm-find
    complete -c $c -f
    complete -c $c -s w -l where -x -a '(__crm_find_fields)' -d 'keep records for which EXPR holds (see crm-expr(7))'
    complete -c $c -s F -l fixed-strings -d 'take PATTERN literally, not as a regular expression'
    complete -c $c -l case-sensitive -d 'match PATTERN with case (default: without)'
    complete -c $c -s a -l ascii -d 'also ignore diacritics (dvorak finds Dvořák)'
    complete -c $c -s f -l fields -x -a '(__crm_find_field_list)' -d 'output these fields, comma-separated (derived ones too)'
    complete -c $c -l sort -x -a '(__crm_find_sort)' -d 'sort by a field (numbers and dates by value)'
    complete -c $c -l limit -x -d 'output at most N records'
    complete -c $c -l wide -d 'on a terminal, every column (default: those that fit)'
    complete -c $c -s c -l count -d 'print only the number of matching records'
    complete -c $c -s i -l interactions -d 'search the interactions instead of the customers'
    # routing calls by number; deals and tickets in their current state
    complete -c $c -l phone -x -d 'the customers with this phone number, however written'
    complete -c $c -l current -d 'with -i: each deal and ticket once, in its current state'
    complete -c $c -l currency -x -a 'EUR PLN CZK BGN USD' -d 'money in this currency, converted with the crm.conf rates (default: crm.conf currency)'
    complete -c $c -s o -l format -x -a 'csv tsv jsonl json table md html vcard' -d 'output format'
    complete -c $c -l safe-csv -d 'with -o csv or tsv: quote cells a spreadsheet would run as formulas'
    complete -c $c -s d -l dir -x -a '(__fish_complete_directories)' -d 'use the CRM directory DIR'
    # --color takes its value only as --color=WHEN
    complete -c $c -a '--color=auto --color=always --color=never' \
        -n 'string match -q -- "--*" (commandline -ct)' -d 'colour the table'
    complete -c $c -l strict -d 'make a bad line of JSON Lines input fatal'
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    # PATTERN: a regular expression, nothing to offer
end

# The names crm-segment --only knows: the RFM segments and the lifecycle
# stages (--only ignores the case).
function __crm_segment_names
    printf '%s\tRFM segment\n' Champions Loyal 'Potential Loyalists' New \
        Promising 'Need Attention' 'About to Sleep' "Can't Lose" 'At Risk' \
        Hibernating Prospects
    printf '%s\tlifecycle stage\n' new active at-risk lapsed lost
end

function __crm_complete_segment
    set -l c crm-segment
    complete -c $c -f
    complete -c $c -l rfm -d 'add RFM scores r, f, m, rfm and their segment'
    complete -c $c -l rules -r -F -d 'segment by the rules NAME: EXPR of FILE (default segments.conf)'
    complete -c $c -l default -x -d 'with rules: the segment of customers no rule matches'
    complete -c $c -l lifecycle -d 'add the lifecycle stage (new, active, at-risk, lapsed, lost)'
    complete -c $c -l predict -d 'add p_alive, exp_purchases and exp_revenue (BG/NBD, Gamma-Gamma)'
    complete -c $c -l horizon -x -a '30d 90d 26w 6m 365d 2y' -d 'with --predict: the time ahead predicted, as 365d, 26w, 6m, 2y (365d)'
    complete -c $c -l discount -x -d 'with --predict: discount exp_revenue by RATE a year (0.1 or 10%)'
    complete -c $c -l params -d 'print the fitted parameters of --predict instead of the customers'
    complete -c $c -l as-of -x -d 'take the figures on this day (default: now)'
    complete -c $c -l only -x -a '(__crm_segment_names)' -d 'keep only the customers of this segment (repeatable)'
    complete -c $c -s S -l summary -d 'one row per segment instead of the customers'
    complete -c $c -l currency -x -a 'EUR PLN CZK BGN USD' -d 'money in this currency, converted with the crm.conf rates (default: crm.conf currency)'
    complete -c $c -s o -l format -x -a 'csv tsv jsonl json table md html vcard' -d 'output format'
    complete -c $c -l safe-csv -d 'with -o csv or tsv: quote cells a spreadsheet would run as formulas'
    complete -c $c -s d -l dir -x -a '(__fish_complete_directories)' -d 'use the CRM directory DIR'
    # --color takes its value only as --color=WHEN
    complete -c $c -a '--color=auto --color=always --color=never' \
        -n 'string match -q -- "--*" (commandline -ct)' -d 'colour the table'
    complete -c $c -l strict -d 'make a bad line of JSON Lines input fatal'
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    # no operands: the customers come from the stream
end

# The reports of crm-report, with what they show.
function __crm_reports
    printf '%s\n' \
        "summary	customers, stages, consent, contacts, revenue, open tasks" \
        "activity	contacts of each period by channel and type" \
        "revenue	orders, refunds and revenue of each period, per currency and in all" \
        "top	the customers who bought the most" \
        "segments	the RFM segments (crm-segment --rfm --summary)" \
        "pipeline	open deals by stage and close month, closed deals, win rate" \
        "campaigns	recipients, responders and their revenue of each campaign" \
        "satisfaction	average rating, CSAT and NPS of each period" \
        "followups	overdue and due tasks, customers losing touch" \
        "cohorts	customers of each first-purchase month buying again" \
        "owners	customers, contacts, tasks and revenue of each owner" \
        "changes	who changed consent or stage, and when (git history)" \
        "tickets	open tickets: age, owner, last reply, service level breaches" \
        "forecast	purchases and revenue expected per period ahead (BG/NBD, Gamma-Gamma)" \
        "digest	the last week in headline figures against the one before, and charts"
end

# What crm-report --group takes: the columns of the CRM directory's
# customers.csv, then the fields of an interaction.
function __crm_report_groups
    set -l fields type channel direction by currency
    set -l dir (__crm_dir)
    if test -n "$dir"
        __crm_columns $dir "$fields"
    else
        printf '%s\n' $fields
    end
end

function __crm_complete_report
    set -l c crm-report
    complete -c $c -f
    complete -c $c -l since -x -d 'from this time on (inclusive; -30d, 2026-01-01)'
    complete -c $c -l until -x -d 'up to this time (inclusive; a date: to its end)'
    complete -c $c -l by -x -a 'day week month quarter year' -d 'the period of a row'
    complete -c $c -l group -x -a '(__crm_report_groups)' -d 'split by a customer column or an interaction field'
    complete -c $c -l currency -x -a 'EUR PLN CZK BGN USD' -d 'money in this currency, converted with the crm.conf rates (default: crm.conf currency)'
    complete -c $c -l limit -x -d 'at most N rows (top: default 10)'
    complete -c $c -l window -x -d 'campaigns: days after a mail in which a reply counts (14)'
    complete -c $c -l periods -x -d 'forecast: N periods ahead (6; with --holdout 0)'
    complete -c $c -l holdout -x -a '90d 13w 6m 1y' -d 'forecast: fit up to DURATION before --until and show what happened since'
    complete -c $c -s o -l format -x -a 'table csv tsv json md html ics' -d 'output format (ics: followups as a calendar)'
    complete -c $c -l safe-csv -d 'with -o csv or tsv: quote cells a spreadsheet would run as formulas'
    complete -c $c -s d -l dir -x -a '(__fish_complete_directories)' -d 'use the CRM directory DIR'
    # --color takes its value only as --color=WHEN
    complete -c $c -a '--color=auto --color=always --color=never' \
        -n 'string match -q -- "--*" (commandline -ct)' -d 'colour the table'
    complete -c $c -l strict -d 'make a bad line of JSON Lines input fatal'
    complete -c $c -s h -l help -d 'show help and exit'
    complete -c $c -s V -l version -d 'show the version and exit'
    # REPORT: the first operand only
    complete -c $c -n '__crm_operand 1' -a '(__crm_reports)'
end

# The templates of crm-mail -t: *.eml files (and directories, to get to
# them), and the names of the *.eml files in the templates directory of the
# CRM directory, which crm-mail finds by name.
function __crm_templates
    # the value alone, also when it is attached (--template=X, -tX, -ntX)
    set -l tok (commandline -ct | string replace -r -- '^(--template=|-[a-zA-Z]*?t)' '')
    # the files fish would offer, kept when they end in .eml or are directories
    for f in (complete -C "__fish_command_without_completions $tok" | string split -f1 \t)
        string match -qr -- '(\.eml|/)$' $f; and echo $f
    end
    string match -q -- '*/*' $tok; and return
    set -l dir (__crm_dir); or return
    for f in $dir/templates/*.eml
        test -f $f; and printf '%s\ttemplate in %s\n' (basename -- $f) $dir
    end
end

# The fields a crm-mail --where expression starts with: the columns of the
# CRM directory's customers.csv and the fields derived from the history.
function __crm_mail_fields
    set -l derived last_contact first_contact contacts last_purchase purchases \
        revenue avg_rating open_tasks last_campaign open_tickets
    set -l dir (__crm_dir)
    if test -z "$dir"
        printf '%s\n' $derived
        return
    end
    __crm_columns $dir "$derived"
end

function __crm_complete_mail
    set -l c crm-mail
    complete -c $c -f
    __crm_common_options $c
    complete -c $c -s t -l template -x -a '(__crm_templates)' -d 'the message: headers, a blank line, the body'
    complete -c $c -l campaign -x -d "the campaign (default: the template's name)"
    complete -c $c -s w -l where -x -a '(__crm_mail_fields)' -d 'the recipients, when no stream is piped in (see crm-expr(7))'
    complete -c $c -l send -d 'send (default: print an mbox preview, send nothing)'
    complete -c $c -l sendmail -x -a '(__fish_complete_command)' -d 'the sendmail-compatible command (default: crm.conf, /usr/sbin/sendmail -oi)'
    complete -c $c -l maildir -x -a '(__fish_complete_directories)' -d 'write the preview into this Maildir instead of stdout'
    complete -c $c -l cap -x -d 'skip customers mailed in the last DAYS days (crm.conf cap_days, 7)'
    complete -c $c -l rate -x -d 'send at most N messages a minute'
    complete -c $c -l limit -x -d 'send at most N messages in this run'
    complete -c $c -l transactional -d 'not marketing: mail customers without opt-in too'
    complete -c $c -l failed -r -F -d 'write the skipped and failed customers as CSV with a reason'
    complete -c $c -l currency -x -a 'EUR PLN CZK BGN USD' -d 'money in this currency, converted with the crm.conf rates (default: crm.conf currency)'
    complete -c $c -l sync -d 'with --send: pull first, push the pending lines before mailing (crm.conf sync)'
    complete -c $c -l cost -x -d 'with --send: record what the campaign cost'
    complete -c $c -l sms -d 'a text message to the phone, through crm.conf sms_command (the template is the text)'
    complete -c $c -l include-churned -d 'contact customers who left (stage churned or lost) too'
    # no operands: the recipients come from the stream or --where
end

# --- crm-auto (kept apart: the completions are to be generated) -----------

# The names of the rules of the CRM directory's automations.conf.
function __crm_auto_rules
    set -l dir (__crm_dir); or return
    test -r $dir/automations.conf; or return
    sed -n 's/^[[:space:]]*\([[:alnum:]_.-]*\)[[:space:]]*:.*/\1\trule/p' $dir/automations.conf
end

function __crm_complete_auto
    set -l c crm-auto
    complete -c $c -f
    __crm_common_options $c
    complete -c $c -l include-churned -d 'act on customers who left (stage churned or lost) too'
    complete -c $c -a '(__crm_auto_rules)'
end

# crm COMMAND [ARGS...]: the command, then its program's completion.
function __crm_needs_command
    test (count (commandline -opc)) -eq 1
end

function __crm_delegate
    set -l t (commandline -opc)
    set -l name $t[2]
    functions -q __crm_complete_$name; or return
    complete -C (string join ' ' -- crm-$name (string escape -- $t[3..-1]) '')(commandline -ct)
end

function __crm_complete_crm
    set -l c crm
    complete -c $c -f
    complete -c $c -n __crm_needs_command -s h -l help -d 'show the commands and exit'
    complete -c $c -n __crm_needs_command -s V -l version -d 'show the version and exit'
    complete -c $c -n __crm_needs_command -a '(__crm_commands)'
    complete -c $c -n __crm_needs_command -a help -d 'show the options of a command'
    complete -c $c -n 'test (count (commandline -opc)) -eq 2; and __fish_seen_subcommand_from help' -a '(__crm_commands)'
    complete -c $c -n 'not __crm_needs_command; and not __fish_seen_subcommand_from help' -a '(__crm_delegate)'
end

if not set -q __crm_completions_loaded
    set -g __crm_completions_loaded 1
    for f in (functions -a | string match -- '__crm_complete_*')
        $f
    end
end
