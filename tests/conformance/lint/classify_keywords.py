import subprocess, re, sys, os, json
exec(open('probe.py').read().split("ctxs=sys.argv")[0].split("words=")[0])
src=open('probe.py').read()
CTX=eval(src[src.index("CTX={")+4:src.index("}\nctxs")+1])
res={}
for ctx in sys.argv[1:]:
    pre,post=CTX[ctx]
    known=[w.strip() for w in open('probe/%s.txt'%ctx) if w.strip()]
    out={}
    for w in known:
        text=pre+w+' 1 {\n}\n'+post+'}\n'
        open('probe/c.conf','w').write(text)
        r=subprocess.run(['ip','netns','exec','kt15','keepalived','-t','-l','-n','-f',os.path.abspath('probe/c.conf')],capture_output=True,text=True)
        o=r.stdout+r.stderr
        ln=pre.count('\n')+1
        if re.search(r"Line %d\) Block %s has extra"%(ln,re.escape(w)),o) or re.search(r"Line %d\) Unexpected '\{'"%(ln+0),o) is None and re.search(r"missing from beginning of block",o):
            k='vblock'
        elif re.search(r"Line %d\) Unexpected '\{'"%ln,o):
            k='value'
        else:
            k='block'
        out[w]=k
    res[ctx]=out
    print(ctx, out, flush=True)
json.dump(res,open('probe/classes_%s.json'%'_'.join(sys.argv[1:]),'w'))
