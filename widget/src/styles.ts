// All widget CSS lives in the shadow root: host styles cannot reach in, ours cannot leak out.
export const css = (color: string, side: 'left' | 'right') => `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.root{position:fixed;${side}:20px;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:${side === 'left' ? 'flex-start' : 'flex-end'};gap:12px}
.bubble{width:58px;height:58px;border-radius:50%;border:0;background:${color};color:#fff;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22);display:grid;place-items:center;position:relative;transition:transform .15s}
.bubble:hover{transform:scale(1.06)}.bubble:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.bubble svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;${side === 'left' ? 'left' : 'right'}:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;display:grid;place-items:center;border:2px solid #fff}
.panel{width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;color:#111827;font-size:14px;line-height:1.45}
.head{background:${color};color:#fff;padding:14px 16px;display:flex;align-items:center;gap:10px}
.head h2{margin:0;font-size:16px;font-weight:650;flex:1}
.head small{display:block;font-size:12px;opacity:.85;font-weight:400}
.x{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:4px 8px;border-radius:8px}
.x:hover{background:rgba(255,255,255,.18)}
.log{flex:1;overflow-y:auto;padding:16px 14px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}
.msg{max-width:82%;display:flex;flex-direction:column;gap:2px}
.msg .b{padding:9px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word}
.them{align-self:flex-start}.them .b{background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}
.me{align-self:flex-end;align-items:flex-end}.me .b{background:${color};color:#fff;border-bottom-right-radius:4px}
.sys{align-self:center;color:#6b7280;font-size:12px;text-align:center;max-width:90%}
.meta{font-size:11px;color:#6b7280;padding:0 4px}
.who{font-size:11px;font-weight:600;color:#374151;padding:0 4px}
.ai{font-size:10px;font-weight:700;color:${color};border:1px solid;border-radius:4px;padding:0 3px;margin-left:4px}
.failed{color:#dc2626;background:none;border:0;cursor:pointer;text-decoration:underline}
.lnk{background:none;border:0;color:inherit;font:inherit;text-decoration:underline;cursor:pointer;padding:0}
.typing{font-size:12px;color:#6b7280;padding:0 16px 6px;min-height:18px;background:#f9fafb}
.older{align-self:center;background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:4px 12px;font-size:12px;cursor:pointer;color:#374151}
.consent{margin:10px 14px;padding:12px;border:1px solid #e5e7eb;border-radius:12px;background:#fff;font-size:13px}
.consent div{display:flex;gap:8px;margin-top:10px}
.consent button{flex:1;padding:8px;border-radius:8px;border:1px solid ${color};cursor:pointer;font-size:13px;font-weight:600}
.consent .yes{background:${color};color:#fff}.consent .no{background:#fff;color:${color}}
.bar{font-size:12px;background:#fef3c7;color:#92400e;padding:6px 14px}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;align-items:flex-end}
textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:9px 11px;font-size:14px;max-height:110px;min-height:40px;color:#111827;background:#fff}
.send{background:${color};color:#fff;border:0;border-radius:10px;padding:0 14px;height:40px;font-weight:600;cursor:pointer}
.send:disabled{opacity:.5;cursor:default}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:480px){.root{${side}:12px;bottom:12px}.panel{position:fixed;inset:0;width:100vw;height:100vh;height:100dvh;border-radius:0}.is-open .bubble{display:none}}
`;
