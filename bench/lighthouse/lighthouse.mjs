// Lighthouse, mobile profile (its default: Moto G Power, simulated slow 4G, 4x CPU), on the
// home, a search result, Da Pagare and Storico of the demo Ente, in Debian's Chromium.
// The search result is the answer to a POST, so this is a Lighthouse *user flow* driven by
// puppeteer-core (a dependency of lighthouse). Usage: node lighthouse.mjs http://127.0.0.1:8766
import fs from "node:fs";
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const base = process.argv[2] || "http://127.0.0.1:8766";
const ente = `${base}/comune-di-test`;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage();
const config = {
  extends: "lighthouse:default",
  settings: { onlyCategories: ["performance", "accessibility"] },
};
const flow = await startFlow(page, { config, name: "Sportello, payer pages" });

await flow.navigate(`${ente}/`, { name: "Home (Ricerca pratica)" });
await page.type("#id_fiscal_code", "RSSMRA80E12H501I");
await page.type("#id_reference", "TS-2026-09");
await flow.navigate(async () => { await page.click("main form button[type=submit]"); },
                    { name: "Search result" });

await page.goto(`${ente}/accedi/?next=/comune-di-test/pratiche/`);
await page.type("#id_username", "mario.rossi@example.it");
await page.type("#id_password", "Sportello-demo-2026");
await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
await flow.navigate(`${ente}/pratiche/`, { name: "Da Pagare" });
await flow.navigate(`${ente}/pratiche/storico/`, { name: "Storico" });

const result = await flow.createFlowResult();
const rows = [];
for (const step of result.steps) {
  const lhr = step.lhr;
  const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const metric = (id) => lhr.audits[id]?.displayValue ?? "";
  rows.push({ page: step.name, performance: score("performance"),
              accessibility: score("accessibility"), fcp: metric("first-contentful-paint"),
              lcp: metric("largest-contentful-paint"), tbt: metric("total-blocking-time"),
              cls: metric("cumulative-layout-shift"),
              failing: Object.values(lhr.audits)
                .filter((a) => a.score !== null && a.score < 1 &&
                        lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id))
                .map((a) => a.id) });
}
console.log(JSON.stringify(rows, null, 2));
if (process.env.LIGHTHOUSE_REPORT) {
  fs.writeFileSync(process.env.LIGHTHOUSE_REPORT, await flow.generateReport());
}
await browser.close();
