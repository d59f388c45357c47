import subprocess, re, sys, os
words=[w.strip() for w in open(os.environ.get('CAND','cand2.txt')) if w.strip()]
CTX={
 'root': ('', ''),
 'global_defs': ('global_defs {\n', '}\n'),
 'vrrp_instance': ('vrrp_instance VI_@N@ {\ninterface eth0\nvirtual_router_id 9\n', '}\n'),
 'vrrp_sync_group': ('vrrp_sync_group G_@N@ {\n', '}\n'),
 'vrrp_script': ('vrrp_script S_P {\n', '}\n'),
 'track_file': ('track_file F_P {\n', '}\n'),
 'vrrp_track_process': ('vrrp_track_process P_P {\n', '}\n'),
 'virtual_server': ('virtual_server 10.250.0.1 80 {\n', '}\n'),
 'real_server': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\n', '}\n}\n'),
 'TCP_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nTCP_CHECK {\n', '}\n}\n}\n'),
 'HTTP_GET': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nHTTP_GET {\nurl {\npath /\n}\n', '}\n}\n}\n'),
 'url': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nHTTP_GET {\nurl {\npath /\n', '}\n}\n}\n}\n'),
 'MISC_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nMISC_CHECK {\n', '}\n}\n}\n'),
 'SMTP_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nSMTP_CHECK {\n', '}\n}\n}\n'),
 'DNS_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nDNS_CHECK {\n', '}\n}\n}\n'),
 'BFD_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nBFD_CHECK {\n', '}\n}\n}\n'),
 'UDP_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nUDP_CHECK {\n', '}\n}\n}\n'),
 'PING_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nPING_CHECK {\n', '}\n}\n}\n'),
 'FILE_CHECK': ('virtual_server 10.250.0.1 80 {\nreal_server 10.250.0.2 80 {\nFILE_CHECK {\n', '}\n}\n}\n'),
 'bfd_instance': ('bfd_instance B_P {\n', '}\n'),
 'garp_group': ('garp_group {\n', '}\n'),
 'ssl': ('SSL {\n', '}\n'),
}
ctxs=sys.argv[1:] or list(CTX)
os.makedirs('probe',exist_ok=True)
for ctx in ctxs:
    pre,post=CTX[ctx]
    known=set(); todo=list(words)
    chunk=100
    i=0
    while i < len(todo):
        batch=todo[i:i+chunk]
        text=''; lineof={}
        ln=1
        for k,w in enumerate(batch):
            block=pre.replace('@N@',str(k))+w+' 1 {\n}\n'+post+'}\n'
            lineof[ln+pre.count('\n')]=w
            text+=block; ln+=block.count('\n')
        open('probe/p.conf','w').write(text)
        r=subprocess.run(['ip','netns','exec','kt15','keepalived','-t','-l','-n','-f',os.path.abspath('probe/p.conf')],capture_output=True,text=True)
        out=r.stdout+r.stderr
        if r.returncode not in (0,5,6) and chunk>1:
            # abort or crash: retry this batch one by one
            sub=todo[i:i+chunk]
            for w in sub:
                text=pre+w+' 1 {\n}\n'+post+'}\n'
                open('probe/p.conf','w').write(text)
                r2=subprocess.run(['ip','netns','exec','kt15','keepalived','-t','-l','-n','-f',os.path.abspath('probe/p.conf')],capture_output=True,text=True)
                o2=r2.stdout+r2.stderr
                ln=pre.count('\n')+1
                if not re.search(r"Line %d\) Unknown keyword '%s'"%(ln,re.escape(w)),o2): known.add(w)
            i+=chunk; continue
        unknown=set()
        for m in re.finditer(r"Line (\d+)\) Unknown keyword '([^']*)'",out):
            l=int(m.group(1))
            if l in lineof and lineof[l]==m.group(2): unknown.add(m.group(2))
        for w in batch:
            if w not in unknown: known.add(w)
        i+=chunk
    open('probe/%s.txt'%ctx,'w').write('\n'.join(sorted(known))+'\n')
    print(ctx,len(known),sorted(known)[:200] if len(known)<200 else len(known),flush=True)
