// The named character references that `HTMLEntities` decodes: the HTML 4 set (Latin-1,
// symbols, Greek letters, typography) plus `&apos;`, each with the spelling(s) the HTML5 table gives
// it, including the legacy forms without a semicolon (`&amp`, `&eacute`). Generated from Python's
// `html.entities.html5`, restricted to the names in `html.entities.name2codepoint`; the full HTML5
// table (2,231 names, mostly mathematical symbols) is deliberately not included.
// Format: `name hex-code-point`, separated by spaces and newlines.

extension HTMLEntities {
    static let tableSource = """
        AElig C6 AElig; C6 AMP 26 AMP; 26 Aacute C1 Aacute; C1 Acirc C2 Acirc; C2 Agrave C0 Agrave; C0
        Alpha; 391 Aring C5 Aring; C5 Atilde C3 Atilde; C3 Auml C4 Auml; C4 Beta; 392 COPY A9 COPY; A9
        Ccedil C7 Ccedil; C7 Chi; 3A7 Dagger; 2021 Delta; 394 ETH D0 ETH; D0 Eacute C9 Eacute; C9
        Ecirc CA Ecirc; CA Egrave C8 Egrave; C8 Epsilon; 395 Eta; 397 Euml CB Euml; CB GT 3E GT; 3E
        Gamma; 393 Iacute CD Iacute; CD Icirc CE Icirc; CE Igrave CC Igrave; CC Iota; 399 Iuml CF
        Iuml; CF Kappa; 39A LT 3C LT; 3C Lambda; 39B Mu; 39C Ntilde D1 Ntilde; D1 Nu; 39D OElig; 152
        Oacute D3 Oacute; D3 Ocirc D4 Ocirc; D4 Ograve D2 Ograve; D2 Omega; 3A9 Omicron; 39F Oslash D8
        Oslash; D8 Otilde D5 Otilde; D5 Ouml D6 Ouml; D6 Phi; 3A6 Pi; 3A0 Prime; 2033 Psi; 3A8 QUOT 22
        QUOT; 22 REG AE REG; AE Rho; 3A1 Scaron; 160 Sigma; 3A3 THORN DE THORN; DE Tau; 3A4 Theta; 398
        Uacute DA Uacute; DA Ucirc DB Ucirc; DB Ugrave D9 Ugrave; D9 Upsilon; 3A5 Uuml DC Uuml; DC
        Xi; 39E Yacute DD Yacute; DD Yuml; 178 Zeta; 396 aacute E1 aacute; E1 acirc E2 acirc; E2
        acute B4 acute; B4 aelig E6 aelig; E6 agrave E0 agrave; E0 alefsym; 2135 alpha; 3B1 amp 26
        amp; 26 and; 2227 ang; 2220 apos; 27 aring E5 aring; E5 asymp; 2248 atilde E3 atilde; E3
        auml E4 auml; E4 bdquo; 201E beta; 3B2 brvbar A6 brvbar; A6 bull; 2022 cap; 2229 ccedil E7
        ccedil; E7 cedil B8 cedil; B8 cent A2 cent; A2 chi; 3C7 circ; 2C6 clubs; 2663 cong; 2245
        copy A9 copy; A9 crarr; 21B5 cup; 222A curren A4 curren; A4 dArr; 21D3 dagger; 2020 darr; 2193
        deg B0 deg; B0 delta; 3B4 diams; 2666 divide F7 divide; F7 eacute E9 eacute; E9 ecirc EA
        ecirc; EA egrave E8 egrave; E8 empty; 2205 emsp; 2003 ensp; 2002 epsilon; 3B5 equiv; 2261
        eta; 3B7 eth F0 eth; F0 euml EB euml; EB euro; 20AC exist; 2203 fnof; 192 forall; 2200
        frac12 BD frac12; BD frac14 BC frac14; BC frac34 BE frac34; BE frasl; 2044 gamma; 3B3 ge; 2265
        gt 3E gt; 3E hArr; 21D4 harr; 2194 hearts; 2665 hellip; 2026 iacute ED iacute; ED icirc EE
        icirc; EE iexcl A1 iexcl; A1 igrave EC igrave; EC image; 2111 infin; 221E int; 222B iota; 3B9
        iquest BF iquest; BF isin; 2208 iuml EF iuml; EF kappa; 3BA lArr; 21D0 lambda; 3BB lang; 27E8
        laquo AB laquo; AB larr; 2190 lceil; 2308 ldquo; 201C le; 2264 lfloor; 230A lowast; 2217
        loz; 25CA lrm; 200E lsaquo; 2039 lsquo; 2018 lt 3C lt; 3C macr AF macr; AF mdash; 2014 micro B5
        micro; B5 middot B7 middot; B7 minus; 2212 mu; 3BC nabla; 2207 nbsp A0 nbsp; A0 ndash; 2013
        ne; 2260 ni; 220B not AC not; AC notin; 2209 nsub; 2284 ntilde F1 ntilde; F1 nu; 3BD oacute F3
        oacute; F3 ocirc F4 ocirc; F4 oelig; 153 ograve F2 ograve; F2 oline; 203E omega; 3C9
        omicron; 3BF oplus; 2295 or; 2228 ordf AA ordf; AA ordm BA ordm; BA oslash F8 oslash; F8
        otilde F5 otilde; F5 otimes; 2297 ouml F6 ouml; F6 para B6 para; B6 part; 2202 permil; 2030
        perp; 22A5 phi; 3C6 pi; 3C0 piv; 3D6 plusmn B1 plusmn; B1 pound A3 pound; A3 prime; 2032
        prod; 220F prop; 221D psi; 3C8 quot 22 quot; 22 rArr; 21D2 radic; 221A rang; 27E9 raquo BB
        raquo; BB rarr; 2192 rceil; 2309 rdquo; 201D real; 211C reg AE reg; AE rfloor; 230B rho; 3C1
        rlm; 200F rsaquo; 203A rsquo; 2019 sbquo; 201A scaron; 161 sdot; 22C5 sect A7 sect; A7 shy AD
        shy; AD sigma; 3C3 sigmaf; 3C2 sim; 223C spades; 2660 sub; 2282 sube; 2286 sum; 2211 sup1 B9
        sup1; B9 sup2 B2 sup2; B2 sup3 B3 sup3; B3 sup; 2283 supe; 2287 szlig DF szlig; DF tau; 3C4
        there4; 2234 theta; 3B8 thetasym; 3D1 thinsp; 2009 thorn FE thorn; FE tilde; 2DC times D7
        times; D7 trade; 2122 uArr; 21D1 uacute FA uacute; FA uarr; 2191 ucirc FB ucirc; FB ugrave F9
        ugrave; F9 uml A8 uml; A8 upsih; 3D2 upsilon; 3C5 uuml FC uuml; FC weierp; 2118 xi; 3BE
        yacute FD yacute; FD yen A5 yen; A5 yuml FF yuml; FF zeta; 3B6 zwj; 200D zwnj; 200C
        """
}
