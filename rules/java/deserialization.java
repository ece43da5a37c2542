import java.beans.XMLDecoder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.thoughtworks.xstream.XStream;
import org.yaml.snakeyaml.Yaml;

class Deserialization {
    Object streams(byte[] bytes, InputStream in) throws Exception {
        // ruleid: java-object-input-stream-unfiltered
        ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes));
        Object a = ois.readObject();
        // ok: java-object-input-stream-unfiltered
        ObjectInputStream filtered = new ObjectInputStream(in);
        filtered.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.*;!*"));
        Object b = filtered.readObject();
        // ruleid: java-xmldecoder
        XMLDecoder decoder = new XMLDecoder(in);
        return decoder.readObject();
    }

    Object xstream(String xml) {
        XStream xs = new XStream();
        // ruleid: java-xstream-unrestricted
        Object o = xs.fromXML(xml);
        XStream safe = new XStream();
        safe.allowTypes(new Class[] {Order.class});
        // ok: java-xstream-unrestricted
        Object p = safe.fromXML(xml);
        return o;
    }

    void jackson(ObjectMapper mapper) {
        // ruleid: java-jackson-default-typing
        mapper.enableDefaultTyping();
        // ok: java-jackson-default-typing
        mapper.findAndRegisterModules();
    }

    Object yaml(String doc) {
        // ruleid: java-snakeyaml-unsafe-constructor
        Yaml y = new Yaml();
        // ok: java-snakeyaml-unsafe-constructor
        Yaml safe = new Yaml(new SafeConstructor(new LoaderOptions()));
        return y.load(doc);
    }
}

class Event {
    // ruleid: java-jackson-default-typing
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@class")
    Object payload;
}
