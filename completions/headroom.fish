# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_headroom_global_optspecs
    string join \n config= color= q/quiet v/verbose history= no-history p/profile= provider= s/service= r/resource= region= o/output= output-file= warn= crit= problems sort= demand= need= warn-days= crit-days= changes timeout= retries= concurrency= h/help V/version
end

function __fish_headroom_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_headroom_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_headroom_using_subcommand
    set -l cmd (__fish_headroom_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c headroom -n "__fish_headroom_needs_command" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_needs_command" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards, e.g. \'team-a-*\') [default: all]' -r
complete -c headroom -n "__fish_headroom_needs_command" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_needs_command" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_needs_command" -s r -l resource -d 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`' -r
complete -c headroom -n "__fish_headroom_needs_command" -l region -d 'Query these regions instead of the profiles\' own (repeatable)' -r
complete -c headroom -n "__fish_headroom_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''
prometheus\t''
nagios\t''"
complete -c headroom -n "__fish_headroom_needs_command" -l output-file -d 'Write the output to this file atomically (temporary file, then rename)' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l warn -d 'Warning threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_needs_command" -l crit -d 'Critical threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_needs_command" -l sort -d 'Row order: by name, or by usage (highest percentage first)' -r -f -a "name\t''
usage\t''"
complete -c headroom -n "__fish_headroom_needs_command" -l demand -d 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README' -r -F
complete -c headroom -n "__fish_headroom_needs_command" -l need -d 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")' -r
complete -c headroom -n "__fish_headroom_needs_command" -l warn-days -d 'WARNING when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_needs_command" -l crit-days -d 'CRITICAL when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_needs_command" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_needs_command" -l retries -d 'Extra attempts for a failed read (throttling, 5xx, connection errors)' -r
complete -c headroom -n "__fish_headroom_needs_command" -l concurrency -d 'Requests in flight at once, all profiles together' -r
complete -c headroom -n "__fish_headroom_needs_command" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_needs_command" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_needs_command" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_needs_command" -l problems -d 'Only rows that are not ok, and failed queries'
complete -c headroom -n "__fish_headroom_needs_command" -l changes -d 'Only rows whose status or limit changed since the last run, and new ones'
complete -c headroom -n "__fish_headroom_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c headroom -n "__fish_headroom_needs_command" -s V -l version -d 'Print version'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "check" -d 'Query every profile\'s quotas and print usage against limits (the default command)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "create-ccn" -d 'Create a Cloud Connect Network (Alibaba) only when the quota has room for one more'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "profiles" -d 'List the configured profiles and where their credentials come from (never a secret)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "policy" -d 'Print the least-privilege RAM / IAM policy that lets headroom read the selected services'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "history" -d 'Show the local usage history: per quota its samples, trend and a sparkline (sends no query)'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "config" -d 'Write or locate the config file'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "demo" -d 'Run `check` (or `create-ccn`, `profiles`) against a built-in simulated cloud on 127.0.0.1'
complete -c headroom -n "__fish_headroom_needs_command" -f -a "serve" -d 'Serve the quotas to Prometheus: `/probe?profile=NAME` runs a check, `/metrics` has the exporter\'s own metrics'
complete -c headroom -n "__fish_headroom_using_subcommand check" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards, e.g. \'team-a-*\') [default: all]' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -s r -l resource -d 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l region -d 'Query these regions instead of the profiles\' own (repeatable)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''
prometheus\t''
nagios\t''"
complete -c headroom -n "__fish_headroom_using_subcommand check" -l output-file -d 'Write the output to this file atomically (temporary file, then rename)' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l warn -d 'Warning threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l crit -d 'Critical threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l sort -d 'Row order: by name, or by usage (highest percentage first)' -r -f -a "name\t''
usage\t''"
complete -c headroom -n "__fish_headroom_using_subcommand check" -l demand -d 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l need -d 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l warn-days -d 'WARNING when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l crit-days -d 'CRITICAL when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l retries -d 'Extra attempts for a failed read (throttling, 5xx, connection errors)' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l concurrency -d 'Requests in flight at once, all profiles together' -r
complete -c headroom -n "__fish_headroom_using_subcommand check" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand check" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand check" -l problems -d 'Only rows that are not ok, and failed queries'
complete -c headroom -n "__fish_headroom_using_subcommand check" -l changes -d 'Only rows whose status or limit changed since the last run, and new ones'
complete -c headroom -n "__fish_headroom_using_subcommand check" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand check" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand check" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand check" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -s p -l profile -d 'The Alibaba profile to create the network with' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l region -d 'Region [default: the profile\'s first region]' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l name -d 'Name: 2-128 characters, starting with a letter or a Chinese character' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l description -d 'Description: 2-256 characters, starting with a letter or a Chinese character' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l cidr-block -d 'Private CIDR block, e.g. 172.16.0.0/12' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l snat-cidr-block -d 'SNAT CIDR block' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -s o -l output -d 'Output format: table, json or yaml' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l retries -d 'Extra attempts, only where the provider certainly did not act' -r
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l is-default -d 'Mark the network as the default one'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l dry-run -d 'Check the headroom and show what would be created, without creating it'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand create-ccn" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand profiles" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards) [default: all]' -r
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s o -l output -d 'Output: the documents as text, or one JSON object keyed by provider' -r -f -a "text\t''
json\t''"
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l with-create -d 'Add what `create-ccn` needs (create and list Cloud Connect Networks)'
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand policy" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand policy" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand history" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards); profiles no longer configured too' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -l provider -d 'Only this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -s s -l service -d 'Only this service (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -s r -l resource -d 'Only this resource (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -l region -d 'Only this region (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -l since -d 'How far back to look, e.g. 30d, 12h, 2w' -r
complete -c headroom -n "__fish_headroom_using_subcommand history" -s o -l output -d 'Output: a line per quota, JSON with every sample, or CSV with a line per sample' -r -f -a "table\t''
json\t''
csv\t''"
complete -c headroom -n "__fish_headroom_using_subcommand history" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand history" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand history" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand history" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand history" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand history" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand history" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -f -a "init" -d 'Write a commented starting config (mode 0600) to the config path'
complete -c headroom -n "__fish_headroom_using_subcommand config; and not __fish_seen_subcommand_from init path" -f -a "path" -d 'Print the path of the config file in use'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Overwrite an existing file'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand completions" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand completions" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand completions" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand completions" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards, e.g. \'team-a-*\') [default: all]' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s r -l resource -d 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l region -d 'Query these regions instead of the profiles\' own (repeatable)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''
prometheus\t''
nagios\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l output-file -d 'Write the output to this file atomically (temporary file, then rename)' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l warn -d 'Warning threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l crit -d 'Critical threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l sort -d 'Row order: by name, or by usage (highest percentage first)' -r -f -a "name\t''
usage\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l demand -d 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l need -d 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l warn-days -d 'WARNING when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l crit-days -d 'CRITICAL when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l retries -d 'Extra attempts for a failed read (throttling, 5xx, connection errors)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l concurrency -d 'Requests in flight at once, all profiles together' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l problems -d 'Only rows that are not ok, and failed queries'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l changes -d 'Only rows whose status or limit changed since the last run, and new ones'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "check" -d '`check` against the simulated cloud (the default)'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "create-ccn" -d '`create-ccn` against the simulated cloud, e.g. `headroom demo create-ccn -p ali-demo --name test`'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "profiles" -d 'The simulated cloud\'s profiles'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "policy" -d 'The least-privilege policy for the simulated cloud\'s profiles'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "serve" -d '`headroom serve` on the simulated cloud, e.g. `headroom demo serve` then open http://127.0.0.1:9878/ in a browser'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and not __fish_seen_subcommand_from check create-ccn profiles policy serve history" -f -a "history" -d 'The usage history of the simulated profiles (30 days of simulated samples)'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards, e.g. \'team-a-*\') [default: all]' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s r -l resource -d 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l region -d 'Query these regions instead of the profiles\' own (repeatable)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''
csv\t''
prometheus\t''
nagios\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l output-file -d 'Write the output to this file atomically (temporary file, then rename)' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l warn -d 'Warning threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l crit -d 'Critical threshold in percent of the limit (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l sort -d 'Row order: by name, or by usage (highest percentage first)' -r -f -a "name\t''
usage\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l demand -d 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l need -d 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l warn-days -d 'WARNING when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l crit-days -d 'CRITICAL when the history\'s forecast says full within N days (overrides the config)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l retries -d 'Extra attempts for a failed read (throttling, 5xx, connection errors)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l concurrency -d 'Requests in flight at once, all profiles together' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l problems -d 'Only rows that are not ok, and failed queries'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l changes -d 'Only rows whose status or limit changed since the last run, and new ones'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -s p -l profile -d 'The Alibaba profile to create the network with' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l region -d 'Region [default: the profile\'s first region]' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l name -d 'Name: 2-128 characters, starting with a letter or a Chinese character' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l description -d 'Description: 2-256 characters, starting with a letter or a Chinese character' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l cidr-block -d 'Private CIDR block, e.g. 172.16.0.0/12' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l snat-cidr-block -d 'SNAT CIDR block' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -s o -l output -d 'Output format: table, json or yaml' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l timeout -d 'Time allowed for one attempt, e.g. 10s, 500ms' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l retries -d 'Extra attempts, only where the provider certainly did not act' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l is-default -d 'Mark the network as the default one'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l dry-run -d 'Check the headroom and show what would be created, without creating it'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from create-ccn" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from profiles" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards) [default: all]' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l provider -d 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s s -l service -d 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s o -l output -d 'Output: the documents as text, or one JSON object keyed by provider' -r -f -a "text\t''
json\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l with-create -d 'Add what `create-ccn` needs (create and list Cloud Connect Networks)'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from policy" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l listen -d 'Address and port to listen on (loopback by default: quota data names accounts); `127.0.0.1:0` picks a free port' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l web-config -d 'Web configuration in the Prometheus exporter-toolkit format: TLS (`tls_server_config`) and basic auth (`basic_auth_users`)' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s p -l profile -d 'Only this profile (repeatable; `*` wildcards); profiles no longer configured too' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l provider -d 'Only this provider (repeatable): alibaba, huaweicloud, otc' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s s -l service -d 'Only this service (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s r -l resource -d 'Only this resource (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l region -d 'Only this region (repeatable; `*` wildcards)' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l since -d 'How far back to look, e.g. 30d, 12h, 2w' -r
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s o -l output -d 'Output: a line per quota, JSON with every sample, or CSV with a line per sample' -r -f -a "table\t''
json\t''
csv\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand demo; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l listen -d 'Address and port to listen on (loopback by default: quota data names accounts); `127.0.0.1:0` picks a free port' -r
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l web-config -d 'Web configuration in the Prometheus exporter-toolkit format: TLS (`tls_server_config`) and basic auth (`basic_auth_users`)' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l config -d 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l color -d 'When to colour the output (NO_COLOR is honoured by `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l history -d 'The usage history file [default: the config\'s `history.path`, else ~/.local/state/headroom/history.sqlite]' -r -F
complete -c headroom -n "__fish_headroom_using_subcommand serve" -s q -l quiet -d 'Print nothing on stdout; only the exit code tells the result'
complete -c headroom -n "__fish_headroom_using_subcommand serve" -s v -l verbose -d 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted'
complete -c headroom -n "__fish_headroom_using_subcommand serve" -l no-history -d 'Neither read nor write the usage history this run'
complete -c headroom -n "__fish_headroom_using_subcommand serve" -s h -l help -d 'Print help'
