<?xml version="1.0" encoding="utf-8"?>
<!-- What a person sees who opens an Atom feed of the site in a browser (feeds/*.xml name this
     file in an xml-stylesheet instruction): a Chinese page that says what a feed is and how to
     subscribe, then the entries with their links and dates. Feed readers ignore it. Every link
     is the feed's own, relative to the feed, so the page works wherever the site is mounted. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:template match="/atom:feed">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <link rel="icon" href="data:,"/>
        <title>订阅：<xsl:value-of select="atom:title"/></title>
        <style>
          body { margin: 0; color: #1f2329; background: #f5f6f8; font: 16px/1.75 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
          header { background: #b5121b; color: #fff; padding: 1.25rem 1rem; }
          header h1 { margin: 0 auto; max-width: 60rem; font-size: 1.5rem; line-height: 1.4; }
          header p { margin: .25rem auto 0; max-width: 60rem; }
          main { margin: 0 auto; max-width: 60rem; padding: 1rem; }
          .dp-feed-about { background: #fff; border: 1px solid #d8dce3; border-left: 4px solid #b5121b; padding: .75rem 1rem; }
          .dp-feed-about h2 { margin: 0 0 .25rem; font-size: 1.125rem; }
          .dp-feed-about p { margin: .25rem 0; }
          ol { list-style: none; margin: 1rem 0; padding: 0; }
          li { background: #fff; border-bottom: 1px solid #e4e7ec; padding: .75rem 1rem; }
          li a { color: #0b4fa3; font-size: 1.0625rem; }
          li time { display: block; color: #4e5969; font-size: .9375rem; }
          li p { margin: .25rem 0 0; color: #4e5969; font-size: .9375rem; overflow-wrap: anywhere; }
          a:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
        </style>
      </head>
      <body>
        <header>
          <h1><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle">
            <p><xsl:value-of select="atom:subtitle"/></p>
          </xsl:if>
        </header>
        <main>
          <section class="dp-feed-about" aria-labelledby="dp-feed-about">
            <h2 id="dp-feed-about">这是一个订阅源</h2>
            <p>订阅源（Atom 格式，与 RSS 类似）按时间顺序列出新发布的政府信息，供订阅工具自动读取。把浏览器地址栏中本页的地址复制到订阅工具（如 RSS 阅读器，或浏览器、邮箱的订阅功能）中，有新信息发布时就会收到提醒，不必反复打开网站查看。</p>
            <p>
              <a href="{atom:link[@rel='alternate']/@href}">打开网站页面</a>
            </p>
          </section>
          <h2>最新发布的 <xsl:value-of select="count(atom:entry)"/> 条信息</h2>
          <ol>
            <xsl:for-each select="atom:entry">
              <li>
                <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                <time datetime="{atom:published}">发布日期：<xsl:value-of select="substring(atom:published, 1, 10)"/></time>
                <p><xsl:value-of select="atom:summary"/></p>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
