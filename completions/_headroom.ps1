
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'headroom' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'headroom'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'headroom' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Query these regions instead of the profiles'' own (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Row order: by name, or by usage (highest percentage first)')
            [CompletionResult]::new('--demand', '--demand', [CompletionResultType]::ParameterName, 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README')
            [CompletionResult]::new('--need', '--need', [CompletionResultType]::ParameterName, 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts for a failed read (throttling, 5xx, connection errors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once, all profiles together')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--problems', '--problems', [CompletionResultType]::ParameterName, 'Only rows that are not ok, and failed queries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Query every profile''s quotas and print usage against limits (the default command)')
            [CompletionResult]::new('create-ccn', 'create-ccn', [CompletionResultType]::ParameterValue, 'Create a Cloud Connect Network (Alibaba) only when the quota has room for one more')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List the configured profiles and where their credentials come from (never a secret)')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Print the least-privilege RAM / IAM policy that lets headroom read the selected services')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Write or locate the config file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run `check` (or `create-ccn`, `profiles`) against a built-in simulated cloud on 127.0.0.1')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the quotas to Prometheus: `/probe?profile=NAME` runs a check, `/metrics` has the exporter''s own metrics')
            break
        }
        'headroom;check' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Query these regions instead of the profiles'' own (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Row order: by name, or by usage (highest percentage first)')
            [CompletionResult]::new('--demand', '--demand', [CompletionResultType]::ParameterName, 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README')
            [CompletionResult]::new('--need', '--need', [CompletionResultType]::ParameterName, 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts for a failed read (throttling, 5xx, connection errors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once, all profiles together')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--problems', '--problems', [CompletionResultType]::ParameterName, 'Only rows that are not ok, and failed queries')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;create-ccn' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The Alibaba profile to create the network with')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The Alibaba profile to create the network with')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region [default: the profile''s first region]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name: 2-128 characters, starting with a letter or a Chinese character')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description: 2-256 characters, starting with a letter or a Chinese character')
            [CompletionResult]::new('--cidr-block', '--cidr-block', [CompletionResultType]::ParameterName, 'Private CIDR block, e.g. 172.16.0.0/12')
            [CompletionResult]::new('--snat-cidr-block', '--snat-cidr-block', [CompletionResultType]::ParameterName, 'SNAT CIDR block')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, only where the provider certainly did not act')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--is-default', '--is-default', [CompletionResultType]::ParameterName, 'Mark the network as the default one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the headroom and show what would be created, without creating it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;profiles' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;policy' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards) [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards) [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: the documents as text, or one JSON object keyed by provider')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: the documents as text, or one JSON object keyed by provider')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--with-create', '--with-create', [CompletionResultType]::ParameterName, 'Add what `create-ccn` needs (create and list Cloud Connect Networks)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;config' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starting config (mode 0600) to the config path')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file in use')
            break
        }
        'headroom;config;init' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;config;path' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;demo' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Query these regions instead of the profiles'' own (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Row order: by name, or by usage (highest percentage first)')
            [CompletionResult]::new('--demand', '--demand', [CompletionResultType]::ParameterName, 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README')
            [CompletionResult]::new('--need', '--need', [CompletionResultType]::ParameterName, 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts for a failed read (throttling, 5xx, connection errors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once, all profiles together')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--problems', '--problems', [CompletionResultType]::ParameterName, 'Only rows that are not ok, and failed queries')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, '`check` against the simulated cloud (the default)')
            [CompletionResult]::new('create-ccn', 'create-ccn', [CompletionResultType]::ParameterValue, '`create-ccn` against the simulated cloud, e.g. `headroom demo create-ccn -p ali-demo --name test`')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'The simulated cloud''s profiles')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'The least-privilege policy for the simulated cloud''s profiles')
            break
        }
        'headroom;demo;check' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards, e.g. ''team-a-*'') [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Query these regions instead of the profiles'' own (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the output to this file atomically (temporary file, then rename)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Warning threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--crit', '--crit', [CompletionResultType]::ParameterName, 'Critical threshold in percent of the limit (overrides the config)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Row order: by name, or by usage (highest percentage first)')
            [CompletionResult]::new('--demand', '--demand', [CompletionResultType]::ParameterName, 'Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README')
            [CompletionResult]::new('--need', '--need', [CompletionResultType]::ParameterName, 'With --resource: CRITICAL when fewer than N are left ("will N more fit?")')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts for a failed read (throttling, 5xx, connection errors)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once, all profiles together')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--problems', '--problems', [CompletionResultType]::ParameterName, 'Only rows that are not ok, and failed queries')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;demo;create-ccn' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The Alibaba profile to create the network with')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The Alibaba profile to create the network with')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region [default: the profile''s first region]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name: 2-128 characters, starting with a letter or a Chinese character')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description: 2-256 characters, starting with a letter or a Chinese character')
            [CompletionResult]::new('--cidr-block', '--cidr-block', [CompletionResultType]::ParameterName, 'Private CIDR block, e.g. 172.16.0.0/12')
            [CompletionResult]::new('--snat-cidr-block', '--snat-cidr-block', [CompletionResultType]::ParameterName, 'SNAT CIDR block')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json or yaml')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for one attempt, e.g. 10s, 500ms')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, only where the provider certainly did not act')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--is-default', '--is-default', [CompletionResultType]::ParameterName, 'Mark the network as the default one')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the headroom and show what would be created, without creating it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;demo;profiles' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;demo;policy' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards) [default: all]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Only this profile (repeatable; `*` wildcards) [default: all]')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only profiles of this provider (repeatable): alibaba, huaweicloud, otc')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (repeatable): smartag, vpc, eip, nat, vpn, cbn, slb, alb, nlb, cbwp, expressconnect, privatelink, ga, ecs, vpcep, evs, elb, er')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output: the documents as text, or one JSON object keyed by provider')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output: the documents as text, or one JSON object keyed by provider')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('--with-create', '--with-create', [CompletionResultType]::ParameterName, 'Add what `create-ccn` needs (create and list Cloud Connect Networks)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'headroom;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on (loopback by default: quota data names accounts); `127.0.0.1:0` picks a free port')
            [CompletionResult]::new('--web-config', '--web-config', [CompletionResultType]::ParameterName, 'Web configuration in the Prometheus exporter-toolkit format: TLS (`tls_server_config`) and basic auth (`basic_auth_users`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is honoured by `auto`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stdout; only the exit code tells the result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
