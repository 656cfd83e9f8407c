# fish completion for crm and its programs.
#
# Installed as crm.fish and as crm-NAME.fish for each program; whichever copy
# fish loads first defines the completions of them all, the others do nothing.
#
# The options come from the programs themselves: "PROG --complete-options"
# prints each option, the kind of its value and its help, read once when
# this file loads (once per shell session); "PROG --complete-values WHAT
# PREFIX" gives the candidates of a value (customers, open tasks, fields,
# the values of a field, segments, the fixed sets the tables list) and
# "PROG --complete-commands" the sub-commands. Kept here is what no table
# gives: the operands of each program (__crm_operand) and value sets that
# are not the programs' own words (charsets, separators, currencies...).
#
# Adding a program NAME: add NAME to __crm_names and its operands to
# __crm_operand.

if set -q __crm_completions_loaded
    exit 0
end
set -g __crm_completions_loaded 1

# The programs "crm NAME" runs, offered when crm cannot say.
set -g __crm_names init add log rm find segment report mail auto check merge diff

# The tokens of the command line before the cursor as one program's: "crm log
# X" as "crm-log X".
function __crm_tokens
    set -l t (commandline -opc)
    if test (string replace -r -- '.*/' '' $t[1]) = crm; and set -q t[2]
        set t crm-$t[2] $t[3..-1]
    end
    printf '%s\n' $t
end

# The program of the command line, as a command to run.
function __crm_path
    set -l p (__crm_tokens)[1]
    if string match -q -- '*/*' $p
        echo $p
    else
        command -s -- $p
    end
end

# The -d/--dir value of the command line, as arguments for the program.
function __crm_dir_args
    set -l t (__crm_tokens)
    set -l d
    for i in (seq 2 (count $t))
        switch $t[$i]
            case --
                break
            case -d --dir
                set -l j (math $i + 1)
                set -q t[$j]; and set d $t[$j]
            case '--dir=*'
                set d (string replace -- --dir= '' $t[$i])
            case '-d?*'
                set d (string sub -s 3 -- $t[$i])
        end
    end
    if test -n "$d"
        printf '%s\n' -d $d
    end
end

# The candidates the program gives for the value of option or kind $argv[1]:
# "VALUE<TAB>DESCRIPTION" lines, fish shows the descriptions.
function __crm_values
    set -l p (__crm_path)
    test -n "$p"; or return
    set -l cur (commandline -ct)
    # --opt=VALUE: the value (fish puts --opt= before the candidates)
    set cur (string replace -r -- '^--[^=]+=' '' $cur)
    for line in ($p --complete-values $argv[1] $cur (__crm_dir_args) </dev/null 2>/dev/null)
        echo $line
    end
end

# The values of an option whose value is of kind $argv[1] (option $argv[2]),
# for the kinds that are not the programs' own words.
function __crm_kind_values
    switch $argv[1]
        case CUR
            printf '%s\n' EUR PLN CZK BGN USD
        case ENCODING
            printf '%s\n' windows-1250 iso-8859-2 windows-1252 iso-8859-1 windows-1251 koi8-r utf-16
        case CHAR
            printf '%s\n' ';' , tab '|'
        case DATEFMT
            printf '%s\n' %d.%m.%Y %d/%m/%Y %m/%d/%Y %Y-%m-%d
        case DURATION
            printf '%s\n' 30d 90d 26w 6m 365d 2y
        case '*-*'
            seq (string split -- - $argv[1])
    end
end

# Whether crm-find searches the interactions (-i, --interactions, -ci).
function __crm_find_inter
    for w in (__crm_tokens)[2..-1]
        test "$w" = --; and return 1
        string match -q -r -- '^(--interactions|-[FsacV]*i)' $w; and return 0
    end
    return 1
end

# The fields of an interaction, for crm-find -i.
function __crm_ifields
    set -l f id ts customer type channel direction by subject text amount currency rating \
        score due ref stage probability close campaign message_id status duration priority owner \
        updated name
    set -l cur (commandline -ct)
    switch $argv[1]
        case FIELDS
            set -l head (string replace -r -- '[^,]*$' '' $cur)
            printf "$head%s\n" $f
        case SORT
            printf '%s\n' $f $f:desc
        case '*'
            set -l head (string replace -r -- '[^ (]*$' '' $cur)
            printf "$head%s\n" $f
    end
end

# The operands before the cursor, not counting the options and their values
# (as the program's table says which take one), and the options given: sets
# __crm_nops and __crm_given.
function __crm_scan
    set -l t (__crm_tokens)
    set -l p $t[1]
    set -g __crm_nops 0
    set -g __crm_given
    set -l skip 0
    set -l ddash 0
    set -l valued (__crm_valued $p)
    for w in $t[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if test $ddash = 1; or not string match -q -- '-?*' $w
            set __crm_nops (math $__crm_nops + 1)
        else if test $w = --
            set ddash 1
        else
            set -a __crm_given (string replace -r -- '=.*' '' $w)
            if not string match -q -- '*=*' $w; and contains -- $w $valued
                set skip 1
            end
        end
    end
end

# The options of program $argv[1] that take a value as the next word.
function __crm_valued
    set -l p $argv[1]
    set -l v __crm_opts_(string replace -r -- '.*/' '' $p | string replace -a -- - _)
    set -q $v; or return
    for line in $$v
        set -l f (string split -- \t $line)
        switch $f[3]
            case none '=*'
            case '*'
                test $f[1] != -; and echo -- -$f[1]
                test $f[2] != -; and echo -- --$f[2]
        end
    end
end

# The candidates of the next operand of program $argv[1] (crm-NAME).
function __crm_operand
    __crm_scan
    set -l n (math $__crm_nops + 1)
    switch $argv[1]
        case init
            test $n = 1; and __fish_complete_directories (commandline -ct)
        case add
            contains -- --merge $__crm_given; and __crm_values CUSTOMER
        case log
            for o in --done --import-calls --import --import-mail
                contains -- $o $__crm_given; and return
            end
            if test $n = 1
                __crm_values CUSTOMER
            else if test $n = 2; and not contains -- -l $__crm_given; and not contains -- --list $__crm_given
                __crm_values TYPE
            end
        case rm
            contains -- --where $__crm_given; or contains -- -w $__crm_given; or __crm_values CUSTOMER
        case auto
            __crm_values RULE
        case report
            if test $n = 1
                set -l p (__crm_path)
                test -n "$p"; and $p --complete-commands </dev/null 2>/dev/null
            end
    end
end

# Register the options of program $argv[1] from its table.
function __crm_register
    set -l prog $argv[1]
    set -l name (string replace -- crm- '' $prog)
    set -l p (command -s -- $prog)
    test -n "$p"; or return
    set -l v __crm_opts_(string replace -a -- - _ $prog)
    set -g $v ($p --complete-options </dev/null 2>/dev/null)
    for line in $$v
        set -l f (string split -- \t $line)
        set -l args -c $prog
        test $f[1] != -; and set -a args -s $f[1]
        test $f[2] != -; and set -a args -l $f[2]
        set -a args -d $f[4]
        set -l k (string replace -- = '' $f[3])
        set -l opt --$f[2]
        test $f[2] = -; and set opt -$f[1]
        switch $k
            case none
            case DIR
                set -a args -x -a '(__fish_complete_directories (commandline -ct))'
            case FILE
                set -a args -r -F
            case TEMPLATE
                set -a args -r -F
            case CMD
                set -a args -x -a '(__fish_complete_command)'
            case CUR ENCODING CHAR DATEFMT DURATION '[0-9]*-[0-9]*'
                set -a args -x -a "(__crm_kind_values $k)"
            case DATE TIME N DAYS RATE PCT AMOUNT TEXT NAME EMAIL PHONE COMPANY CITY ID NUMBER SET SRC=DST FIELD=VALUE
                set -a args -x
            case FIELDS SORT EXPR
                if test $name = find
                    set -a args -x -a "(__crm_find_inter; and __crm_ifields $k; or __crm_values $opt)"
                else
                    set -a args -x -a "(__crm_values $opt)"
                end
            case FORMAT
                if test $name = find
                    set -a args -x -a "(__crm_values $opt | string match -v vcard)"
                else
                    set -a args -x -a "(__crm_values $opt)"
                end
            case FIELD
                set -a args -x -a "(__crm_values $opt; printf '%s\n' type channel direction by currency)"
            case '*'
                set -a args -x -a "(__crm_values $opt)"
        end
        complete $args
    end
    # the operands
    switch $name
        case init merge diff
        case '*'
            complete -c $prog -f -n "not string match -q -- '-*' (commandline -ct)" -a "(__crm_operand $name)"
    end
end

for n in $__crm_names
    __crm_register crm-$n
end

# crm COMMAND [ARGS...]: the command, then its program's completions.
function __crm_main_commands
    set -l p (commandline -opc)[1]
    set -l out ($p --complete-commands </dev/null 2>/dev/null)
    if set -q out[1]
        printf '%s\n' $out
    else
        printf '%s\n' help $__crm_names
    end
end
function __crm_rest
    set -l t (__crm_tokens)
    set -l cur (commandline -ct)
    set -l line (string join -- ' ' (string escape -- $t))
    complete -C "$line "(string escape -- $cur | string replace -r -- "^''\$" '')
end
complete -c crm -f -n '__fish_is_first_arg' -a '(__crm_main_commands)'
complete -c crm -f -n '__fish_is_first_arg' -s h -l help -d 'show the commands and exit'
complete -c crm -f -n '__fish_is_first_arg' -s V -l version -d 'show the version and exit'
complete -c crm -f -n '__fish_seen_subcommand_from help' -a '(__crm_main_commands | string match -v -r "^help")'
complete -c crm -n 'not __fish_is_first_arg; and not __fish_seen_subcommand_from help' -a '(__crm_rest)'
